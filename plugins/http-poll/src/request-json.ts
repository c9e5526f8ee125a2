import { followSignals, TwinflowError } from '@twinflow/core'
import { retryAfterMs } from './retry-after.ts'

/** A page as answered: 304 (not modified), or a parsed JSON body with the headers the source reads. */
export type JsonAnswer = { notModified: true } | { notModified: false; body: unknown; etag: string | null; lastModified: string | null; link: string | null }

export interface RequestLimits {
  timeoutMs: number
  maxResponseBytes: number
}

/** Statuses worth another attempt: timeout, too early, too many requests, server errors. */
const RETRIABLE_STATUS = new Set([408, 425, 429])

/**
 * One GET of a JSON page. Throws a TwinflowError saying what went wrong, `retriable` for what
 * another attempt may fix (a network error, a timeout, a 408, 425, 429 or 5xx, a body that is not
 * JSON), with `retryAfterMs` in its context when the server said how long to wait; not retriable:
 * other 4xx, a body over `maxResponseBytes`. An abort of `signal` (shutdown) rejects with its reason.
 */
export async function requestJson(url: string, headers: Record<string, string>, limits: RequestLimits, signal: AbortSignal, now: () => number): Promise<JsonAnswer> {
  const timeout = AbortSignal.timeout(limits.timeoutMs)
  const both = followSignals([signal, timeout])
  try {
    return await answer(url, headers, limits, { signal, timeout, both: both.signal }, now)
  } finally {
    both.dispose()
  }
}

async function answer(
  url: string,
  headers: Record<string, string>,
  limits: RequestLimits,
  { signal, timeout, both }: { signal: AbortSignal; timeout: AbortSignal; both: AbortSignal },
  now: () => number,
): Promise<JsonAnswer> {
  const where = { url: redact(url) }
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: both, redirect: 'follow' })
  } catch (error) {
    throw failure(error, signal, timeout, limits, where)
  }
  const { status } = response
  if (status === 304) {
    await response.body?.cancel().catch(() => {})
    return { notModified: true }
  }
  if (status < 200 || status > 299) {
    const wait = retryAfterMs(response.headers.get('retry-after'), now())
    const excerpt = await textExcerpt(response)
    const retriable = RETRIABLE_STATUS.has(status) || status >= 500
    throw new TwinflowError('unavailable', `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`, {
      retriable,
      context: { ...where, status, ...(wait === null ? {} : { retryAfterMs: wait }) },
    })
  }
  let bytes: Buffer
  try {
    bytes = await readBody(response, limits.maxResponseBytes)
  } catch (error) {
    if (TwinflowError.is(error)) throw error
    throw failure(error, signal, timeout, limits, where)
  }
  let body: unknown
  try {
    body = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    const start = bytes.subarray(0, 120).toString('utf8').replace(/\s+/g, ' ')
    throw new TwinflowError('unavailable', `the body is not JSON (${(error as Error).message}): ${JSON.stringify(start)}`, { retriable: true, context: { ...where, status } })
  }
  return { notModified: false, body, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified'), link: response.headers.get('link') }
}

/** A fetch or body-read failure, classified: shutdown (the signal's reason), a timeout, a network error. */
function failure(error: unknown, signal: AbortSignal, timeout: AbortSignal, limits: RequestLimits, where: Record<string, unknown>): unknown {
  if (signal.aborted) return signal.reason
  if (timeout.aborted) return new TwinflowError('unavailable', `no complete answer within ${limits.timeoutMs} ms (timeoutMs)`, { retriable: true, context: where, cause: error })
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  const detail = cause?.code ?? cause?.message ?? (error as Error).message
  return new TwinflowError('unavailable', `request failed: ${detail}`, { retriable: true, context: where, cause: error })
}

async function readBody(response: Response, max: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'))
  const tooLarge = () => new TwinflowError('unavailable', `the body is larger than ${max} bytes (maxResponseBytes)`, { retriable: false })
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (!response.body) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/** The start of an error answer's body (its first KiB read, the rest dropped), for the log. */
async function textExcerpt(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  try {
    const { value } = await reader.read()
    return Buffer.from(value ?? new Uint8Array())
      .subarray(0, 200)
      .toString('utf8')
      .replace(/\s+/g, ' ')
      .trim()
  } catch {
    return ''
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** A URL for logs: without its query string's values (they may hold a key). */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '…')
    u.username = ''
    u.password = ''
    return u.href
  } catch {
    return '(invalid URL)'
  }
}
