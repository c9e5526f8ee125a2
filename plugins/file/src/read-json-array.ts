import { isUtf8 } from 'node:buffer'
import { TwinflowError } from '@twinflow/core'
import { DEFAULT_MAX_RECORD_BYTES, type FileRecord, rawOf, type ReadEnd, type ReadOptions } from './file-record.ts'
import { describe } from './read-ndjson.ts'

const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c

/** 'before': the opening bracket not seen yet; 'between': between elements; 'element': in one; 'after': the array closed. */
type ScanState = 'before' | 'between' | 'element' | 'after'

/**
 * Reads a JSON array of objects element by element, never the whole file: a scanner finds each
 * top-level element's bytes (tracking strings and nesting), and each element is parsed alone.
 * Per-record errors (dead letters): an element that is not valid JSON or not an object, invalid
 * UTF-8, an element over `maxRecordBytes` (skipped as it comes), the file ending inside the array.
 * Throws (`validation`) when the file is not a JSON array (its first character is not `[`).
 * A `startPosition` above 0 is inside the array, after an element (where a previous read ended).
 * With `tail`, an element not followed by its comma or the closing bracket waits for a later read.
 */
export async function* readJsonArray(input: AsyncIterable<Uint8Array>, read: ReadOptions = {}): AsyncGenerator<FileRecord[], ReadEnd> {
  const maxRecordBytes = read.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  let row = read.startRow ?? 0
  const startPosition = read.startPosition ?? 0
  let base = startPosition
  let buffer: Buffer = Buffer.alloc(0)
  let state = (startPosition > 0 ? 'between' : 'before') as ScanState
  let depth = 0
  let inString = false
  let escaped = false
  let elementStart = 0
  let skipping = false
  /** Where the element being skipped starts. */
  let skipStart = 0
  let scanned = 0

  const element = (start: number, stop: number, out: FileRecord[]) => {
    const position = base + start
    const bytes = buffer.subarray(start, stop)
    const fail = (reason: string) => out.push({ row: row++, position, end: base + stop, ok: false, reason, raw: rawOf(bytes, maxRecordBytes) })
    if (!isUtf8(bytes)) return fail('json: the element is not valid UTF-8')
    let value: unknown
    try {
      value = JSON.parse(buffer.toString('utf8', start, stop))
    } catch (error) {
      return fail(`json: invalid JSON: ${(error as Error).message}`)
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`json: expected a JSON object, got ${describe(value)}`)
    out.push({ row: row++, position, end: base + stop, ok: true, value: value as Record<string, unknown> })
  }

  for await (const chunk of input) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    buffer = buffer.length === 0 ? bytes : Buffer.concat([buffer, bytes])
    const out: FileRecord[] = []
    const n = buffer.length
    let i = scanned
    for (; i < n; i++) {
      const b = buffer[i]!
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false
          else if (b === BACKSLASH) escaped = true
          else if (b === QUOTE) inString = false
          continue
        }
        if (b === QUOTE) inString = true
        else if (b === OPEN_ARRAY || b === OPEN_OBJECT) depth++
        else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) {
          if (depth === 0) {
            // The array's own closing bracket ends a scalar element.
            if (!skipping) element(elementStart, trimEnd(buffer, elementStart, i), out)
            skipping = false
            state = 'after'
            continue
          }
          depth--
        } else if (b === COMMA && depth === 0) {
          if (!skipping) element(elementStart, trimEnd(buffer, elementStart, i), out)
          skipping = false
          state = 'between'
        }
        continue
      }
      if (isSpace(b)) continue
      if (state === 'before') {
        if (b !== OPEN_ARRAY && !(b === 0xef && base + i === 0))
          throw new TwinflowError('validation', `the file is not a JSON array (it starts with ${JSON.stringify(String.fromCharCode(b))})`)
        if (b === 0xef)
          i += 2 // a UTF-8 BOM
        else state = 'between'
      } else if (state === 'between') {
        if (b === CLOSE_ARRAY) state = 'after'
        else if (b !== COMMA) {
          state = 'element'
          elementStart = i
          depth = 0
          i-- // scan this byte as the element's first
        }
      }
      // 'after': anything past the closing bracket is ignored.
    }
    scanned = i
    let keepFrom = state === 'element' ? elementStart : n
    if (state === 'element' && !skipping && n - elementStart > maxRecordBytes) {
      out.push({
        row: row++,
        position: base + elementStart,
        end: -1,
        ok: false,
        reason: `json: an element of more than ${maxRecordBytes} bytes (maxRecordBytes)`,
        raw: rawOf(buffer.subarray(elementStart, elementStart + 1024), 1024),
      })
      skipping = true
      skipStart = base + elementStart
    }
    if (skipping) keepFrom = n
    base += keepFrom
    buffer = buffer.subarray(keepFrom)
    scanned -= keepFrom
    elementStart -= keepFrom
    if (out.length > 0) yield out
  }
  // (A cast: the compiler narrows `state` as if the loops never assigned it.)
  const closed = (state as ScanState) === 'after'
  if (read.tail) {
    if (state === 'before') return { end: startPosition }
    if (state === 'element') return { end: skipping ? skipStart : base + elementStart }
    return { end: base + buffer.length, closed }
  }
  // An element cut off by the end of the file is a dead letter; elements before it were complete.
  const out: FileRecord[] = []
  if (state === 'element' && !skipping)
    out.push({ row: row++, position: base, end: base + buffer.length, ok: false, reason: 'json: the file ends inside the array', raw: rawOf(buffer, maxRecordBytes) })
  if (out.length > 0) yield out
  return { end: base + buffer.length, closed }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09
}

function trimEnd(buffer: Buffer, start: number, stop: number): number {
  while (stop > start && isSpace(buffer[stop - 1]!)) stop--
  return stop
}
