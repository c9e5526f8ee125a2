import { TwinflowError } from '@twinflow/core'
import type { CursorValue } from './compare-cursor.ts'

/** The highest cursor value delivered, and the keys (hashed) of the records delivered at it. */
export interface Watermark {
  value: CursorValue
  keys: string[]
}

/** Where a poll in progress goes on: its next page (a token for the cursor parameter, a page number, or a URL the server gave), and how many pages it has had. */
export interface NextPage {
  index: number
  cursor?: string
  page?: number
  link?: string
}

/**
 * The http-poll source's checkpoint, saved with each page's records. It holds no secret: URLs
 * are rebuilt from the options (headers and query included) and the page's token.
 */
export interface PollCheckpoint {
  /** Polls completed. */
  polls: number
  /** The poll in progress; null between polls. */
  next: NextPage | null
  /** Incremental: what the poll in progress asks from (constant through its pages), and the records at it already delivered. */
  since: Watermark | null
  /** Incremental: the highest value delivered so far in this poll (the next poll's `since`). */
  high: Watermark | null
  /** The validators of the last first-page answer, and which request they are for. */
  validators: { request: string; etag: string | null; lastModified: string | null } | null
}

const VERSION = 1

export function encodePollCheckpoint(checkpoint: PollCheckpoint): string {
  return JSON.stringify({ v: VERSION, ...checkpoint })
}

/** Reads a checkpoint back; one this source did not write is a `config` error (it would resume at the wrong place). */
export function decodePollCheckpoint(text: string | null, source: string): PollCheckpoint {
  if (text === null) return { polls: 0, next: null, since: null, high: null, validators: null }
  const fail = (why: string) =>
    new TwinflowError('config', `source "${source}": its checkpoint in the log is not an http-poll source's (${why}); was the name used by another source? ${text.slice(0, 200)}`)
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text) as Record<string, unknown>
  } catch {
    throw fail('not JSON')
  }
  if (typeof raw !== 'object' || raw === null || raw.v !== VERSION) throw fail(`version ${JSON.stringify((raw as { v?: unknown } | null)?.v)}, expected ${VERSION}`)
  const { polls, next, since, high, validators } = raw as unknown as PollCheckpoint
  if (!Number.isInteger(polls) || polls < 0) throw fail('bad poll count')
  if (next !== null && (typeof next !== 'object' || !Number.isInteger(next.index))) throw fail('bad next page')
  for (const w of [since, high]) if (w !== null && (typeof w !== 'object' || !Array.isArray(w.keys) || !['string', 'number'].includes(typeof w.value))) throw fail('bad watermark')
  if (validators !== null && (typeof validators !== 'object' || typeof validators.request !== 'string')) throw fail('bad validators')
  return { polls, next, since, high, validators }
}
