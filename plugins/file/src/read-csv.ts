import { isAscii, isUtf8 } from 'node:buffer'
import { TwinflowError } from '@twinflow/core'
import type { CsvOptions } from './csv-options.ts'
import { DEFAULT_MAX_RECORD_BYTES, type FileRecord, rawOf, type ReadEnd, type ReadOptions } from './file-record.ts'

const LF = 0x0a
const CR = 0x0d
const BOM = [0xef, 0xbb, 0xbf]

export interface CsvReadOptions extends ReadOptions {
  /** Called with the column names when the header line has been read. */
  onColumns?(columns: readonly string[]): void
}

interface RawRecord {
  start: number
  /** End of its content (before the line break). */
  stop: number
  /** After its line break. */
  end: number
  quoted: boolean
}

/**
 * Reads CSV (RFC 4180) from a byte stream: fields quoted or not, a quote inside a quoted field
 * written twice, LF or CRLF line ends, line breaks inside quoted fields, a UTF-8 BOM, any
 * one-character delimiter and quote. A quote opens a quoted field only at the field's start
 * (elsewhere it is a character of the field). Blank lines are skipped. Values are strings; the
 * field mapping converts them to the stream's types.
 *
 * Per-record errors (dead letters): a row with another number of fields than the header, text
 * after a closing quote, invalid UTF-8, a record over `maxRecordBytes`, the file ending inside a
 * quoted field. Throws (`validation`) only for a header it cannot use (invalid UTF-8, an empty or
 * repeated column name). Yields the records of each chunk read as one array. With `tail`, a last
 * record without its line break (or inside an open quoted field) waits for a later read.
 * `onColumns` is told the column names once the header line is read (or skipped for `columns`).
 */
export async function* readCsv(input: AsyncIterable<Uint8Array>, options: CsvOptions, read: CsvReadOptions = {}): AsyncGenerator<FileRecord[], ReadEnd> {
  const maxRecordBytes = read.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES
  const quote = options.quote.charCodeAt(0)
  const delimiter = options.delimiter.charCodeAt(0)
  let columns: readonly string[] | null = options.header ? null : options.columns!
  let skipHeader = options.header
  let row = read.startRow ?? 0
  /** File offset of `buffer[0]`. */
  let base = read.startPosition ?? 0
  let buffer: Buffer = Buffer.alloc(0)
  // Scan state of the record at the start of `buffer`, kept across chunks.
  let scanned = 0
  let inQuotes = false
  let fieldStart = true
  let quoted = false
  /** Skipping the rest of an oversized record: the error was emitted already. */
  let skipping = false
  /** Where the record being skipped starts. */
  let skipStart = 0
  let first = base === 0

  const parseBlock = (records: RawRecord[], out: FileRecord[]) => {
    if (records.length === 0) return
    const blockStart = records[0]!.start
    const blockEnd = records[records.length - 1]!.stop
    const block = buffer.subarray(blockStart, blockEnd)
    // One check for the whole block; per record only when it fails.
    const ascii = isAscii(block)
    const text = ascii ? buffer.toString('latin1', blockStart, blockEnd) : null
    const valid = ascii || isUtf8(block)
    for (const r of records) {
      const position = base + r.start
      const end = base + r.end
      if (r.stop === r.start || (r.stop === r.start + 1 && buffer[r.start] === CR)) continue
      if (r.stop - r.start > maxRecordBytes) {
        out.push({
          row: row++,
          position,
          end,
          ok: false,
          reason: `csv: a record of more than ${maxRecordBytes} bytes (maxRecordBytes)`,
          raw: rawOf(buffer.subarray(r.start, r.start + 1024), 1024),
        })
        continue
      }
      let line: string
      if (text !== null) line = text.slice(r.start - blockStart, r.stop - blockStart)
      else if (valid || isUtf8(buffer.subarray(r.start, r.stop))) line = buffer.toString('utf8', r.start, r.stop)
      else {
        if (!takeHeader(null))
          out.push({ row: row++, position, end, ok: false, reason: 'csv: the record is not valid UTF-8', raw: rawOf(buffer.subarray(r.start, r.stop), maxRecordBytes) })
        continue
      }
      if (line.charCodeAt(line.length - 1) === CR) line = line.slice(0, -1)
      if (!r.quoted && columns !== null && !skipHeader) {
        // The usual record: no quotes, fields straight into the value (no array in between).
        const value: Record<string, unknown> = {}
        const count = splitInto(line, options.delimiter, columns, value)
        if (count === columns.length) out.push({ row: row++, position, end, ok: true, value })
        else out.push({ row: row++, position, end, ok: false, reason: fieldCount(count, columns.length), raw: rawOf(buffer.subarray(r.start, r.stop), maxRecordBytes) })
        continue
      }
      const fields = r.quoted ? splitQuoted(line, options.delimiter, options.quote) : line.split(options.delimiter)
      if (takeHeader(fields)) continue
      if (typeof fields === 'string') {
        out.push({ row: row++, position, end, ok: false, reason: `csv: ${fields}`, raw: rawOf(buffer.subarray(r.start, r.stop), maxRecordBytes) })
        continue
      }
      if (fields.length !== columns!.length) {
        out.push({
          row: row++,
          position,
          end,
          ok: false,
          reason: fieldCount(fields.length, columns!.length),
          raw: rawOf(buffer.subarray(r.start, r.stop), maxRecordBytes),
        })
        continue
      }
      const value: Record<string, unknown> = {}
      for (let i = 0; i < fields.length; i++) value[columns![i]!] = fields[i]
      out.push({ row: row++, position, end, ok: true, value })
    }
  }

  /** Whether this line is the header (taken, or skipped for `columns`); throws for an unusable header. */
  const takeHeader = (fields: string[] | string | null): boolean => {
    if (!skipHeader) return false
    skipHeader = false
    if (fields === null) throw new TwinflowError('validation', 'the CSV header is not valid UTF-8')
    if (typeof fields === 'string') throw new TwinflowError('validation', `the CSV header cannot be read: ${fields}`)
    if (columns === null) {
      const names = options.columns ?? fields.map((f) => f.trim())
      const seen = new Set<string>()
      for (const name of names) {
        if (name === '') throw new TwinflowError('validation', `the CSV header has an empty column name: ${JSON.stringify(fields)}`)
        if (seen.has(name)) throw new TwinflowError('validation', `the CSV header names column "${name}" twice`)
        seen.add(name)
      }
      columns = names
    }
    read.onColumns?.(columns)
    return true
  }

  for await (const chunk of input) {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (first) {
      first = false
      if (bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b)) {
        bytes = bytes.subarray(3)
        base += 3
      }
    }
    buffer = buffer.length === 0 ? bytes : Buffer.concat([buffer, bytes])
    const records: RawRecord[] = []
    const out: FileRecord[] = []
    let start = 0
    let i = scanned
    const n = buffer.length
    // The next quote at or after i (-1: none in the buffer), found once per quote: searching per
    // record would scan the rest of the buffer for every record of a file without quotes.
    let nextQuote = buffer.indexOf(quote, i)
    while (i < n) {
      if (nextQuote >= 0 && nextQuote < i) nextQuote = buffer.indexOf(quote, i)
      if (inQuotes) {
        // Inside quotes only a quote matters.
        const q = nextQuote
        if (q < 0) {
          i = n
          break
        }
        if (q + 1 >= n) {
          i = q
          break // an escaped quote or the closing one: the next chunk tells
        }
        if (buffer[q + 1] === quote) i = q + 2
        else {
          inQuotes = false
          i = q + 1
          fieldStart = false
        }
        continue
      }
      // Outside quotes only a line feed, and a quote at a field's start, matter.
      const lf = buffer.indexOf(LF, i)
      const q = nextQuote
      if (q >= 0 && (lf < 0 || q < lf)) {
        if (q === start || (q > i ? buffer[q - 1] === delimiter : fieldStart)) {
          inQuotes = true
          quoted = true
        }
        fieldStart = false
        i = q + 1
        continue
      }
      if (lf < 0) {
        fieldStart = buffer[n - 1] === delimiter
        i = n
        break
      }
      if (!skipping) records.push({ start, stop: lf > start && buffer[lf - 1] === CR ? lf - 1 : lf, end: lf + 1, quoted })
      skipping = false
      start = lf + 1
      i = lf + 1
      fieldStart = true
      quoted = false
    }
    scanned = i
    // An unfinished record over the limit: a dead letter now, its bytes skipped as they come.
    if (!skipping && n - start > maxRecordBytes) {
      parseBlock(records, out)
      records.length = 0
      out.push({
        row: row++,
        position: base + start,
        end: -1,
        ok: false,
        reason: `csv: a record of more than ${maxRecordBytes} bytes (maxRecordBytes)`,
        raw: rawOf(buffer.subarray(start, start + 1024), 1024),
      })
      skipping = true
      skipStart = base + start
    }
    parseBlock(records, out)
    if (skipping) {
      // Keep nothing of it; the scan state stays.
      base += n
      buffer = Buffer.alloc(0)
      scanned = 0
    } else {
      base += start
      buffer = buffer.subarray(start)
      scanned -= start
    }
    if (out.length > 0) yield out
  }
  if (read.tail) return { end: skipping ? skipStart : base }
  // The last record, without a line break.
  const out: FileRecord[] = []
  // A quote as the very last byte closes its field.
  if (inQuotes && scanned === buffer.length - 1 && buffer[scanned] === quote) inQuotes = false
  if (buffer.length > 0 && !skipping) {
    if (inQuotes) {
      if (!takeHeader('the file ends inside a quoted field'))
        out.push({ row: row++, position: base, end: base + buffer.length, ok: false, reason: 'csv: the file ends inside a quoted field', raw: rawOf(buffer, maxRecordBytes) })
    } else {
      parseBlock([{ start: 0, stop: buffer[buffer.length - 1] === CR ? buffer.length - 1 : buffer.length, end: buffer.length, quoted }], out)
    }
  }
  if (out.length > 0) yield out
  return { end: base + buffer.length }
}

function fieldCount(count: number, expected: number): string {
  return `csv: ${count} field${count === 1 ? '' : 's'} where the header has ${expected}`
}

/** Splits an unquoted line into `value` under the column names; returns the number of fields (those past the columns are not kept). */
function splitInto(line: string, delimiter: string, columns: readonly string[], value: Record<string, unknown>): number {
  let count = 0
  let i = 0
  for (;;) {
    const j = line.indexOf(delimiter, i)
    if (count < columns.length) value[columns[count]!] = j < 0 ? line.slice(i) : line.slice(i, j)
    count++
    if (j < 0) return count
    i = j + 1
  }
}

/** Splits a line with quoted fields; a string is the reason it cannot be. */
function splitQuoted(line: string, delimiter: string, quote: string): string[] | string {
  const fields: string[] = []
  let i = 0
  const n = line.length
  for (;;) {
    if (line[i] === quote) {
      let value = ''
      i++
      for (;;) {
        const j = line.indexOf(quote, i)
        if (j < 0) return 'a quoted field is not closed'
        value += line.slice(i, j)
        if (line[j + 1] === quote) {
          value += quote
          i = j + 2
        } else {
          i = j + 1
          break
        }
      }
      if (i < n && line[i] !== delimiter) return `text after the closing quote of field ${fields.length + 1}`
      fields.push(value)
    } else {
      let j = line.indexOf(delimiter, i)
      if (j < 0) j = n
      fields.push(line.slice(i, j))
      i = j
    }
    if (i >= n) return fields
    i++ // the delimiter
    if (i === n) {
      fields.push('')
      return fields
    }
  }
}
