import { TwinflowError } from '@twinflow/core'
import { byName } from './glob-files.ts'

/**
 * What the file source knows of one file: who it is (inode, and a fingerprint of its first bytes),
 * how it was when last read (size, mtime) and how far it is read.
 */
export interface TrackedFile {
  /** Relative to the glob's folder. */
  name: string
  /** The inode number ('' where the file system has none). */
  ino: string
  /** Size and modification time (ms) when it was last read. */
  size: number
  mtimeMs: number
  /** SHA-256 (first 16 hex digits) of the first `fpBytes` bytes (at most FINGERPRINT_BYTES). */
  fp: string
  fpBytes: number
  /** Where reading goes on: a byte offset (CSV, NDJSON, JSON), a row (Parquet). */
  offset: number
  /** The line at `offset`, from 1 (text formats; 0 for Parquet). */
  line: number
  /** Read up to `size`: nothing left in it as it was (a partial last line of a growing file is not read yet). */
  done: boolean
  /** A JSON array's closing bracket was read: it cannot grow by appending. */
  closed: boolean
}

/**
 * The file source's checkpoint. Files are read in name order; the newest `trackFiles` by name are
 * tracked, and older files read whole fall under `below`: a file whose name sorts at or before it
 * is not looked at again. So the checkpoint stays bounded however many files the glob matches.
 */
export interface FileCheckpoint {
  below: string | null
  files: TrackedFile[]
}

export const FINGERPRINT_BYTES = 1024

const VERSION = 1
type EncodedFile = [string, string, number, number, string, number, number, number, 0 | 1 | 2 | 3]

/** The checkpoint as a string: JSON, one array per file. */
export function encodeFileCheckpoint(checkpoint: FileCheckpoint): string {
  const files = checkpoint.files.map(
    (f): EncodedFile => [f.name, f.ino, f.size, f.mtimeMs, f.fp, f.fpBytes, f.offset, f.line, ((f.done ? 1 : 0) | (f.closed ? 2 : 0)) as 0 | 1 | 2 | 3],
  )
  return JSON.stringify({ v: VERSION, below: checkpoint.below, files })
}

/** Reads a checkpoint back; one this source did not write is a `config` error (it would resume at the wrong place). */
export function decodeFileCheckpoint(text: string | null, source: string): FileCheckpoint {
  if (text === null) return { below: null, files: [] }
  const fail = (why: string) =>
    new TwinflowError('config', `source "${source}": its checkpoint in the log is not a file source's (${why}); was the name used by another source? ${text.slice(0, 200)}`)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw fail('not JSON')
  }
  const o = raw as { v?: unknown; below?: unknown; files?: unknown }
  if (typeof o !== 'object' || o === null || o.v !== VERSION) throw fail(`version ${JSON.stringify(o?.v)}, expected ${VERSION}`)
  if (o.below !== null && typeof o.below !== 'string') throw fail('bad watermark')
  if (!Array.isArray(o.files)) throw fail('no files')
  const files = o.files.map((e: unknown): TrackedFile => {
    if (!Array.isArray(e) || e.length !== 9) throw fail('bad file entry')
    const [name, ino, size, mtimeMs, fp, fpBytes, offset, line, flags] = e as EncodedFile
    if (typeof name !== 'string' || typeof ino !== 'string' || typeof fp !== 'string') throw fail('bad file entry')
    for (const n of [size, mtimeMs, fpBytes, offset, line, flags]) if (typeof n !== 'number' || !Number.isFinite(n)) throw fail('bad file entry')
    return { name, ino, size, mtimeMs, fp, fpBytes, offset, line, done: (flags & 1) === 1, closed: (flags & 2) === 2 }
  })
  return { below: o.below, files: files.sort((a, b) => byName(a.name, b.name)) }
}

/** Whether the checkpoint leaves this name alone: at or under the watermark, and not tracked. */
export function isBelowWatermark(checkpoint: FileCheckpoint, name: string): boolean {
  return checkpoint.below !== null && name <= checkpoint.below && !checkpoint.files.some((f) => f.name === name)
}

/**
 * The checkpoint with `file` tracked (replacing the entry of the same name), then bounded: while
 * more than `limit` files are tracked, the done file with the smallest name is dropped and the
 * watermark rises to it. Files not done are never dropped (their rest would be lost).
 */
export function trackFile(checkpoint: FileCheckpoint, file: TrackedFile, limit: number): FileCheckpoint {
  const files = checkpoint.files.filter((f) => f.name !== file.name)
  files.push(file)
  files.sort((a, b) => byName(a.name, b.name))
  let below = checkpoint.below
  while (files.length > limit) {
    const i = files.findIndex((f) => f.done)
    if (i < 0) break
    const [dropped] = files.splice(i, 1)
    if (below === null || dropped!.name > below) below = dropped!.name
  }
  return { below, files }
}
