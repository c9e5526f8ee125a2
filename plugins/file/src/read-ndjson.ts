import { isUtf8 } from 'node:buffer'
import { DEFAULT_MAX_RECORD_BYTES, type FileRecord, rawOf, type ReadEnd, type ReadOptions } from './file-record.ts'

const LF = 0x0a
const CR = 0x0d

/**
 * Reads NDJSON (one JSON object per line, LF or CRLF) from a byte stream. Blank lines are skipped.
 * Per-record errors (dead letters): invalid UTF-8, invalid JSON, a value that is not an object, a
 * line over `maxRecordBytes` (skipped as it comes, never buffered whole). Never throws for content.
 * With `tail`, a last line without its line break waits for a later read.
 */
export async function* readNdjson(input: AsyncIterable<Uint8Array>, read: ReadOptions = {}): AsyncGenerator<FileRecord[], ReadEnd> {
  const maxRecordBytes = read.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  let row = read.startRow ?? 0
  let base = read.startPosition ?? 0
  let buffer: Buffer = Buffer.alloc(0)
  let skipping = false
  /** Where the line being skipped starts. */
  let skipStart = 0
  let first = base === 0

  const line = (start: number, stop: number, end: number, out: FileRecord[]) => {
    if (stop > start && buffer[stop - 1] === CR) stop--
    if (first) {
      first = false
      if (stop - start >= 3 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf) start += 3
    }
    if (isBlank(buffer, start, stop)) return
    const position = base + start
    const bytes = buffer.subarray(start, stop)
    const fail = (reason: string) => out.push({ row: row++, position, end: base + end, ok: false, reason, raw: rawOf(bytes, maxRecordBytes) })
    if (stop - start > maxRecordBytes) return fail(`ndjson: a line of more than ${maxRecordBytes} bytes (maxRecordBytes)`)
    if (!isUtf8(bytes)) return fail('ndjson: the line is not valid UTF-8')
    let value: unknown
    try {
      value = JSON.parse(buffer.toString('utf8', start, stop))
    } catch (error) {
      return fail(`ndjson: invalid JSON: ${(error as Error).message}`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`ndjson: expected a JSON object, got ${describe(value)}`)
    out.push({ row: row++, position, end: base + end, ok: true, value: value as Record<string, unknown> })
  }

  for await (const chunk of input) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    buffer = buffer.length === 0 ? bytes : Buffer.concat([buffer, bytes])
    const out: FileRecord[] = []
    let start = 0
    for (let lf = buffer.indexOf(LF); lf >= 0; lf = buffer.indexOf(LF, start)) {
      if (skipping) skipping = false
      else line(start, lf, lf + 1, out)
      start = lf + 1
    }
    if (!skipping && buffer.length - start > maxRecordBytes) {
      out.push({
        row: row++,
        position: base + start,
        end: -1,
        ok: false,
        reason: `ndjson: a line of more than ${maxRecordBytes} bytes (maxRecordBytes)`,
        raw: rawOf(buffer.subarray(start, start + 1024), 1024),
      })
      skipping = true
      skipStart = base + start
    }
    if (skipping) {
      base += buffer.length
      buffer = Buffer.alloc(0)
    } else {
      base += start
      buffer = buffer.subarray(start)
    }
    if (out.length > 0) yield out
  }
  if (read.tail) return { end: skipping ? skipStart : base }
  const out: FileRecord[] = []
  if (buffer.length > 0 && !skipping) line(0, buffer.length, buffer.length, out)
  if (out.length > 0) yield out
  return { end: base + buffer.length }
}

function isBlank(buffer: Buffer, start: number, stop: number): boolean {
  for (let i = start; i < stop; i++) {
    const b = buffer[i]!
    if (b !== 0x20 && b !== 0x09 && b !== CR) return false
  }
  return true
}

export function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
