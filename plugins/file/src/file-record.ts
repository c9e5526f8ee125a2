/**
 * One record of a file, in file order. `row` numbers the file's records from 0 (a CSV header and
 * blank lines are not records): with the file's identity, it is where the record comes from, so a
 * load or a source resumes after the last row it kept. `position` and `end` are the byte offsets
 * of the record's first byte and of the byte after it (its line end included), for a source that
 * resumes in a growing file; -1 where a format has none (Parquet).
 *
 * A record the reader cannot make a value of is `ok: false` with the reason (`csv: ...`,
 * `ndjson: ...`, `json: ...`, `parquet: ...`) and its bytes (at most the first `maxRecordBytes`):
 * a dead letter, never an exception. Readers throw only when the file itself cannot be read (a
 * missing file, a CSV header that is not one, a file that is not a JSON array or not Parquet).
 */
export type FileRecord = { row: number; position: number; end: number } & ({ ok: true; value: Record<string, unknown> } | { ok: false; reason: string; raw: Buffer })

/** Options every reader takes. */
export interface ReadOptions {
  /** A record longer than this is a dead letter (its bytes are skipped, not buffered). @default 1 MiB */
  maxRecordBytes?: number
  /** The byte offset the input starts at (a file read from the middle). @default 0 */
  startPosition?: number
  /** The row number of the input's first record. @default 0 */
  startRow?: number
  /**
   * The input is a file still being written: the bytes after its last complete record (a line
   * without its line break, an open quoted field, an unclosed JSON element) are left unread for a
   * later read, not made a dead letter. @default false
   */
  tail?: boolean
}

/**
 * How far a reader got, its generator's return value. `end`: the byte offset (the row, for
 * Parquet) where a later read goes on: after the last complete record, with the blank lines and
 * skipped bytes after it; with `tail`, the start of the unfinished record. A record a reader
 * yielded at or after `end` (the dead letter of an oversized line whose end was not there yet) is
 * not the input's yet: it comes again. `closed`: a JSON array's closing bracket was read.
 */
export interface ReadEnd {
  end: number
  closed?: boolean
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024

/** Bytes of a rejected record kept as its dead letter's payload. */
export function rawOf(bytes: Uint8Array, maxRecordBytes: number): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Buffer.from(buffer.subarray(0, Math.min(buffer.length, maxRecordBytes)))
}
