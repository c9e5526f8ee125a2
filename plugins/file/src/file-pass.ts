import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import type { SourceMessage } from '@twinflow/core'
import type { CsvOptions } from './csv-options.ts'
import { FINGERPRINT_BYTES, type TrackedFile } from './file-checkpoint.ts'
import type { FileStat } from './file-change.ts'
import type { FileFormat } from './file-format.ts'
import type { FileRecord, ReadEnd } from './file-record.ts'
import { fingerprint } from './fingerprint.ts'
import { LineIndex } from './line-index.ts'
import { readCsv } from './read-csv.ts'
import { readJsonArray } from './read-json-array.ts'
import { readNdjson } from './read-ndjson.ts'
import { readParquet } from './read-parquet.ts'

const CHUNK_BYTES = 1024 * 1024

export interface FilePassOptions {
  format: FileFormat
  csv: CsvOptions | undefined
  maxRecordBytes: number
  batchSize: number
  /** The file may still be written: read complete records only. */
  tail: boolean
}

/** One batch of a pass: its messages, and the file's entry after them. */
export interface FileStep {
  messages: SourceMessage[]
  entry: TrackedFile
}

/** A file's identity and state now, from an open handle (so what is read is that file). */
export async function statOf(handle: FileHandle): Promise<FileStat> {
  const s = await handle.stat({ bigint: true })
  return { ino: s.ino === 0n ? '' : s.ino.toString(), size: Number(s.size), mtimeMs: Number(s.mtimeNs / 1000n) / 1000 }
}

/**
 * Reads one file from where its entry says, in batches of about `batchSize` records (a batch ends
 * after a record whose end is known, so that its entry is where to go on). Records become
 * messages: parsed ones as records, ones the reader could not read as `rejected` with its reason,
 * each with its position (`orders.csv:line 12`, `data.parquet:row 3`). The last batch's entry
 * says where the pass ended; `done` when nothing readable is left in the file as it was.
 * A file that cannot be read throws (after a batch of what was read before the failure).
 */
export class FilePass {
  readonly #records: AsyncGenerator<FileRecord[], ReadEnd>
  readonly #lines: LineIndex | null
  #entry: TrackedFile
  /** Records read and not taken yet: `#queue` from `#taken`. */
  #queue: FileRecord[] = []
  #taken = 0
  /** The positions of the messages of the batch being made. */
  readonly #positions: number[] = []
  #finished = false
  #failure: unknown = null

  private constructor(
    private readonly handle: FileHandle | null,
    private readonly name: string,
    entry: TrackedFile,
    private readonly stat: FileStat,
    private readonly options: FilePassOptions,
    records: (lines: LineIndex | null) => AsyncGenerator<FileRecord[], ReadEnd>,
  ) {
    this.#entry = entry
    this.#lines = options.format === 'parquet' ? null : new LineIndex(entry.offset, entry.line, 2 * (options.maxRecordBytes + CHUNK_BYTES))
    this.#records = records(this.#lines)
  }

  /**
   * Opens a pass over `path` from `from`. Null when the file there is not the one `expected` (its
   * inode changed, or it shrank, between the look and the open): look again.
   */
  static async open(path: string, name: string, from: TrackedFile, expected: FileStat, options: FilePassOptions): Promise<FilePass | null> {
    const handle = await open(path, 'r')
    try {
      const stat = await statOf(handle)
      if ((expected.ino !== '' && stat.ino !== expected.ino) || stat.size < expected.size) {
        await handle.close()
        return null
      }
      // The file as this pass reads it (up to this size): a restart compares the file with it.
      let entry: TrackedFile = { ...from, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, done: false }
      if (entry.fpBytes < FINGERPRINT_BYTES && stat.size > entry.fpBytes) entry = { ...entry, ...(await fingerprint(handle, Math.min(FINGERPRINT_BYTES, stat.size))) }
      if (options.format === 'parquet') {
        await handle.close()
        return new FilePass(null, name, entry, stat, options, () => readParquet(path, { startRow: entry.offset }))
      }
      let csv = options.csv ?? { delimiter: extname(path).toLowerCase() === '.tsv' ? '\t' : ',', quote: '"', header: true }
      if (options.format === 'csv' && csv.header && csv.columns === undefined && entry.offset > 0) {
        // Going on from the middle: the column names are the header's, read again.
        const columns = await headerOf(handle, csv, options.maxRecordBytes)
        if (columns === null) entry = { ...entry, offset: 0, line: 1 }
        else csv = { ...csv, header: false, columns: [...columns] }
      }
      const start = entry.offset
      const read = { startPosition: start, maxRecordBytes: options.maxRecordBytes, tail: options.tail }
      return new FilePass(handle, name, entry, stat, options, (lines) => {
        const input = tap(start < stat.size ? handle.createReadStream({ start, end: stat.size - 1, highWaterMark: CHUNK_BYTES, autoClose: false }) : [], lines!)
        if (options.format === 'ndjson') return readNdjson(input, read)
        if (options.format === 'json') return readJsonArray(input, read)
        return readCsv(input, csv, read)
      })
    } catch (error) {
      await handle.close().catch(() => {})
      throw error
    }
  }

  /** The next batch; null once the pass is over. Throws when the file cannot be read on. */
  async next(): Promise<FileStep | null> {
    if (this.#failure !== null) throw this.#failure
    if (this.#finished) return null
    const messages: SourceMessage[] = []
    /** The entry after the last record taken whose end is known, and how many messages it ends. */
    let certain: { entry: TrackedFile; count: number } | null = null
    for (;;) {
      if (this.#taken === this.#queue.length) {
        let next: IteratorResult<FileRecord[], ReadEnd>
        try {
          next = await this.#records.next()
        } catch (error) {
          // What was read whole before the failure is delivered first; the failure comes with the next call.
          this.#failure = error
          await this.close()
          if (certain === null) throw error
          this.#entry = certain.entry
          return { messages: messages.slice(0, certain.count), entry: this.#entry }
        }
        if (next.done) {
          const { end, closed } = next.value
          // A record at or after the end (an oversized line not complete yet) is not the file's yet.
          const kept = messages.filter((_, i) => i < (certain?.count ?? 0) || this.#positions[i]! < end)
          this.#finished = true
          await this.close()
          const atEnd = this.options.format === 'parquet' ? { offset: end, line: 0 } : { offset: end, line: this.#lines!.lineAt(end) ?? this.#entry.line }
          this.#entry = { ...this.#entry, ...atEnd, size: this.stat.size, mtimeMs: this.stat.mtimeMs, done: true, closed: closed === true }
          return { messages: kept, entry: this.#entry }
        }
        this.#queue = next.value
        this.#taken = 0
        continue
      }
      const record = this.#queue[this.#taken++]!
      this.#positions[messages.length] = record.position
      messages.push(this.#message(record))
      if (record.end >= 0 || this.options.format === 'parquet') certain = { entry: this.#entryAfter(record), count: messages.length }
      if (certain !== null && certain.count === messages.length && messages.length >= this.options.batchSize) {
        this.#entry = certain.entry
        this.#positions.length = 0
        return { messages, entry: this.#entry }
      }
    }
  }

  /** The entry once `record` is taken: reading goes on after it. */
  #entryAfter(record: FileRecord): TrackedFile {
    if (this.options.format === 'parquet') return { ...this.#entry, offset: record.row + 1, line: 0, done: false }
    return { ...this.#entry, offset: record.end, line: this.#lines!.lineAt(record.end) ?? this.#entry.line, done: false }
  }

  async close(): Promise<void> {
    await this.#records.return({ end: this.#entry.offset }).catch(() => {})
    await this.handle?.close().catch(() => {})
  }

  #message(record: FileRecord): SourceMessage {
    const position = this.#position(record)
    return record.ok ? { record: record.value, position } : { value: record.raw, rejected: record.reason, position }
  }

  #position(record: FileRecord): string {
    if (this.options.format === 'parquet') return `${this.name}:row ${record.row + 1}`
    const line = this.#lines!.lineAt(record.position)
    return line === null ? `${this.name}:byte ${record.position}` : `${this.name}:line ${line}`
  }
}

/** Passes a stream's chunks on, adding each to the line index first. */
async function* tap(input: AsyncIterable<Buffer> | readonly Buffer[], lines: LineIndex): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    lines.add(chunk)
    yield chunk
  }
}

/** The column names of a CSV file's header line; null when the file has no complete header yet. */
async function headerOf(handle: FileHandle, csv: CsvOptions, maxRecordBytes: number): Promise<readonly string[] | null> {
  let columns: readonly string[] | null = null
  const reader = readCsv(bytesOf(handle, 64 * 1024), csv, { maxRecordBytes, tail: true, onColumns: (c) => (columns = c) })
  try {
    while (columns === null) if ((await reader.next()).done) break
  } finally {
    await reader.return({ end: 0 })
  }
  return columns
}

/** A file's bytes from its start, read through the handle (a stream would close it when it ends). */
async function* bytesOf(handle: FileHandle, chunkBytes: number): AsyncGenerator<Buffer> {
  for (let position = 0; ; ) {
    const buffer = Buffer.alloc(chunkBytes)
    const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position)
    if (bytesRead === 0) return
    position += bytesRead
    yield buffer.subarray(0, bytesRead)
  }
}
