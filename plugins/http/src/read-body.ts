import { createHash } from 'node:crypto'
import { TwinflowError, type SourceMessage } from '@twinflow/core'
import { type FileRecord, readCsv, readJsonArray, readNdjson } from '@twinflow/plugin-file'
import type { BodyFormat } from './body-format.ts'
import { LineCounter } from './line-counter.ts'

/** A request body read into source messages, one per line (NDJSON), row (CSV) or element (JSON array), in order. */
export interface ReadBody {
  messages: SourceMessage[]
  /** The line each message starts on, as the client counts (1 is the first). */
  lines: number[]
  /** For a JSON array: each message's element index (from 0). */
  indexes: number[] | null
  /** Each message's size in the body, in bytes. */
  sizes: number[]
  /** Bytes of the body. */
  bytes: number
  /** base64url SHA-256 of the body (22 characters), when asked for. */
  hash: string | null
}

export type ReadBodyResult = { ok: true; body: ReadBody } | { ok: false; status: 400 | 413; error: string } | { ok: false; status: 'aborted'; error: string }

export interface ReadBodyOptions {
  maxBodyBytes: number
  maxRecordBytes: number
  /** Computes the body's hash (for an idempotency key). */
  hash: boolean
  /** Each message's `position` is this followed by its line, e.g. `request 5f2c… line ` → `request 5f2c… line 7`. */
  positionPrefix: string
}

class BodyTooLarge extends Error {}

const LF = 0x0a
const CR = 0x0d
/** A record's `json` until the body is whole (every one is set before readBody returns). */
const NO_JSON = Buffer.alloc(0)

/**
 * Reads a request body with the streaming readers of @twinflow/plugin-file (never the whole body
 * as one string): every record becomes a message (`record`, with the `json` text it was parsed
 * from for NDJSON and JSON arrays), every line the reader cannot use a message the source
 * `rejected`, with the reader's reason (invalid JSON or UTF-8, a CSV
 * row with another number of fields, a line over `maxRecordBytes`, the body ending inside a quoted
 * field or the array). A body over `maxBodyBytes` stops being read (413); an empty body, a CSV
 * header that is not one and a JSON body that is not an array are 400s; a client that goes away is `aborted`.
 */
export async function readBody(input: AsyncIterable<Uint8Array>, format: BodyFormat, options: ReadBodyOptions): Promise<ReadBodyResult> {
  const counter = new LineCounter()
  const hash = options.hash ? createHash('sha256') : null
  // The body is kept (as it came) for the JSON formats: a record's message carries its JSON text.
  const chunks: Buffer[] | null = format.kind === 'csv' ? null : []
  let bytes = 0
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      bytes += chunk.byteLength
      if (bytes > options.maxBodyBytes) throw new BodyTooLarge()
      counter.feed(chunk)
      hash?.update(chunk)
      chunks?.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
      yield chunk
    }
  }
  const read = { maxRecordBytes: options.maxRecordBytes }
  const records =
    format.kind === 'ndjson'
      ? readNdjson(counted(), read)
      : format.kind === 'json'
        ? readJsonArray(counted(), read)
        : readCsv(counted(), { delimiter: format.delimiter, quote: '"', header: true }, read)
  const messages: SourceMessage[] = []
  const lines: number[] = []
  const sizes: number[] = []
  const indexes: number[] | null = format.kind === 'json' ? [] : null
  const csv = format.kind === 'csv'
  const prefix = options.positionPrefix
  /** Where each JSON record's text is in the body: message index, start, end (filled in once the body is whole). */
  const spans: number[] = []
  try {
    for await (const chunk of records) {
      for (const record of chunk as FileRecord[]) {
        const line = counter.lineOf(record.position)
        const position = indexes === null ? `${prefix}${line}` : `${prefix}${line} element ${record.row}`
        lines.push(line)
        indexes?.push(record.row)
        sizes.push(record.end < 0 ? options.maxRecordBytes : record.end - record.position)
        if (!record.ok) messages.push({ value: record.raw, rejected: record.reason, position })
        else if (csv) messages.push({ record: record.value, position })
        else {
          spans.push(messages.length, record.position, record.end)
          messages.push({ record: record.value, json: NO_JSON, position })
        }
      }
    }
  } catch (error) {
    if (error instanceof BodyTooLarge)
      return { ok: false, status: 413, error: `the body is larger than ${options.maxBodyBytes} bytes (maxBodyBytes): send fewer events per request` }
    if (TwinflowError.is(error, 'validation')) return { ok: false, status: 400, error: (error as Error).message.replace('the file', 'the body') }
    return { ok: false, status: 'aborted', error: error instanceof Error ? error.message : String(error) }
  }
  if (bytes === 0) return { ok: false, status: 400, error: 'the body is empty: send at least one event' }
  if (chunks !== null && spans.length > 0) {
    const whole = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes)
    for (let i = 0; i < spans.length; i += 3) {
      let end = spans[i + 2]!
      while (end > spans[i + 1]! && (whole[end - 1] === LF || whole[end - 1] === CR)) end--
      ;(messages[spans[i]!] as { json: Buffer }).json = whole.subarray(spans[i + 1]!, end)
    }
  }
  return { ok: true, body: { messages, lines, indexes, sizes, bytes, hash: hash === null ? null : hash.digest('base64url').slice(0, 22) } }
}
