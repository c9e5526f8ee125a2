import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { compileFieldMapping, compilePayloadMask, compileValueDecoder, fieldMappingSchema, parseOptions, retry, TOKENS, TwinflowError, type DeadLetter } from '@twinflow/core'
import { type ArchivedRecord, BATCH_TOKENS, type LoadFile, masterTsv } from '@twinflow/batch-layer'
import { type CsvOptionsInput, csvOptionsSchema, type FileRecord, fileFormatOf, readRecords } from '@twinflow/plugin-file'
import type { Twinflow } from '../app/twinflow.ts'
import { compileFastTsvFields } from './compile-fast-tsv-fields.ts'
import { reasonKey } from './reason-key.ts'
import { afterLines, TsvBlock } from './tsv-block.ts'
import { sha256OfFile } from './sha256-of-file.ts'

export interface LoadHistoryOptions {
  /** The stream whose master table receives the rows. */
  stream: string
  files: readonly string[]
  /** csv, ndjson, json (an array) or parquet; by default each file's extension says. */
  format?: string
  /** How CSV files are written (delimiter, quote, header, columns). */
  csv?: CsvOptionsInput
  /** The field mapping (core's fieldMappingSchema), e.g. read from `--mapping <file>`. */
  mapping?: unknown
  /** Rows per insert (one atomic block each). @default 100000 */
  blockRows?: number
  /** A record longer than this is a dead letter. @default 1 MiB */
  maxRecordBytes?: number
  /** Called as rows go in (at most every `progressEveryMs`) and once at the end of each file. */
  onProgress?: (progress: LoadProgress) => void
  /** @default 1000 */
  progressEveryMs?: number
  /**
   * Rows are written as TabSeparated text, and the fields of a record that compileFastTsvFields
   * vouches for go straight to it (no event objects). `false`: every record is mapped and decoded
   * into objects and inserted as JSON rows (`ingest`): the same rows and reasons, slower. @default true
   */
  text?: boolean
}

export interface LoadProgress {
  file: string
  /** Rows of the file read so far (stored, rejected, or skipped as stored already). */
  rows: number
  /** Bytes read, and the file's size: the fraction done (text formats; Parquet says -1). */
  bytesRead: number
  bytes: number
  rowsPerSecond: number
  /** Seconds left at the current rate; null when unknown. */
  etaSeconds: number | null
  done: boolean
}

export interface FileSummary {
  path: string
  sha256: string
  partition: number | null
  /** loaded (now, whole or resumed), skipped (complete before: same content), failed (the file could not be read). */
  status: 'loaded' | 'skipped' | 'failed'
  /** Rows the file has in the master table (all of it, once loaded or skipped). */
  rows: number
  /** Rows this run inserted (resumed loads insert only the rest). */
  inserted: number
  /** Rejected rows of the file (stored with their reason, and dead-lettered). */
  rejected: number
  /** Rejected rows of this run by reason (see reasonKey). */
  rejectedBy: Record<string, number>
  error?: string
}

export interface LoadSummary {
  stream: string
  files: FileSummary[]
  /** Rows inserted by this run, and rejected among them. */
  inserted: number
  rejected: number
  rejectedBy: Record<string, number>
  ms: number
}

/**
 * Loads files of history straight into a stream's master table (not through the log), on a
 * started Twinflow whose runtimes include the batch engine and the dead-letter queue (the CLI's
 * `twinflow load`, or a test pipeline). Each file is one partition at or above 2^31 (see
 * BatchLayerEngine.beginLoad), each row an offset: rows are read in file order, mapped (the field
 * mapping), decoded by the stream's decoder (`future:` judged against the load's start), written
 * as TabSeparated bytes (a record whose fields compileFastTsvFields vouches for goes straight from
 * its text, with no objects: the same row) and inserted in blocks, one atomic insert after the
 * other (the next block is read meanwhile), rejected rows included with their reason
 * (and written to the dead-letter queue, stage `load`). Loading the same content again adds nothing;
 * a load cut off resumes after its last stored row. A file that cannot be read is `failed` and the
 * next file is loaded; a bad mapping or option is a `config` error before anything is read.
 * Personal fields are masked (see PiiMasking) in the inserted rows and the dead letters' payloads.
 * The loaded history is served once a batch run covers it.
 */
export async function loadHistory(twinflow: Twinflow, options: LoadHistoryOptions): Promise<LoadSummary> {
  const started = performance.now()
  const stream = twinflow.pipeline.stream(options.stream)
  const map = compileFieldMapping(stream, options.mapping ?? {}, 'mapping')
  const decode = compileValueDecoder(stream)
  // Personal fields are masked before anything is written: the inserted events and the letters' payloads.
  const masking = twinflow.get(TOKENS.PiiMasking)
  const maskEvent = masking.eventMask(stream.name)
  const maskPayload = maskEvent === null ? (payload: Buffer) => payload : compilePayloadMask(stream, masking.secret, fieldMappingSchema.parse(options.mapping ?? {}).rename)
  const csv = options.csv === undefined ? undefined : parseOptions(csvOptionsSchema, options.csv, 'csv')
  const formats = options.files.map((path) => fileFormatOf(path, options.format))
  const blockRows = options.blockRows ?? 100_000
  if (!Number.isSafeInteger(blockRows) || blockRows < 1) throw new TwinflowError('config', `blockRows must be a positive integer, got ${blockRows}`)
  const engine = twinflow.get(BATCH_TOKENS.Engine)
  const deadLetters = twinflow.get(TOKENS.DeadLetterQueue)
  const clock = twinflow.get(TOKENS.Clock)
  const logger = twinflow.logger.child({ component: 'load', stream: stream.name })
  const everyMs = options.progressEveryMs ?? 1000
  const text = options.text ?? true
  const tsvOf = masterTsv.ofRecord(stream)

  const summary: LoadSummary = { stream: stream.name, files: [], inserted: 0, rejected: 0, rejectedBy: {}, ms: 0 }
  for (let f = 0; f < options.files.length; f++) {
    const path = options.files[f]!
    const format = formats[f]!
    const result: FileSummary = { path, sha256: '', partition: null, status: 'failed', rows: 0, inserted: 0, rejected: 0, rejectedBy: {} }
    summary.files.push(result)
    try {
      const bytes = (await stat(path)).size
      const file: LoadFile = { sha256: await sha256OfFile(path), path, bytes }
      result.sha256 = file.sha256
      const state = await engine.beginLoad(stream.name, file)
      result.partition = state.partition
      if (state.complete) {
        Object.assign(result, { status: 'skipped', rows: state.rows, rejected: state.rejected })
        logger.info('file loaded before (same content): skipped', { path, sha256: file.sha256, partition: state.partition })
        options.onProgress?.({ file: path, rows: state.rows, bytesRead: bytes, bytes, rowsPerSecond: 0, etaSeconds: 0, done: true })
        continue
      }
      const partition = state.partition
      // Every row of this load is judged against one log time: the load's start.
      const logTime = clock.now()
      const fast = text ? compileFastTsvFields(stream, options.mapping, logTime) : null
      const nextRow = state.nextRow
      let rejectedBefore = state.rejected
      const t0 = performance.now()
      let lastReport = t0
      let rowsSeen = 0
      let bytesRead = 0
      const report = (done: boolean) => {
        const seconds = (performance.now() - t0) / 1000
        const rate = seconds > 0 ? (rowsSeen - state.nextRow) / seconds : 0
        const fraction = format === 'parquet' ? null : bytes === 0 ? 1 : bytesRead / bytes
        const eta = done ? 0 : fraction !== null && fraction > 0 && seconds > 0 ? (seconds * (1 - fraction)) / fraction : null
        options.onProgress?.({
          file: path,
          rows: rowsSeen,
          bytesRead: format === 'parquet' ? -1 : bytesRead,
          bytes,
          rowsPerSecond: Math.round(rate),
          etaSeconds: eta === null ? null : Math.round(eta),
          done,
        })
      }

      // A block is rows of consecutive offsets from its first: TabSeparated lines, or records (text: false).
      const lines = new TsvBlock()
      let block: ArchivedRecord[] = []
      let letters: DeadLetter[] = []
      let inFlight: Promise<void> | null = null
      /** Inserts one block (after the previous one is in), retrying an unknown outcome after reading how far the partition got. */
      const flush = async () => {
        const count = text ? lines.rows : block.length
        if (count === 0) return
        const first = text ? lines.first : block[0]!.offset
        const bytes = text ? lines.take().bytes : null
        const records = block
        const dead = letters
        block = []
        letters = []
        if (inFlight) await inFlight
        inFlight = (async () => {
          if (dead.length > 0) await deadLetters.write(dead)
          await retry(
            clock,
            async (attempt) => {
              // Rows before the partition's next row are in already (a block's insert is atomic, blocks go in row order).
              const skip = attempt > 1 ? Math.max(0, (await engine.loadProgress(stream.name, partition)).nextRow - first) : 0
              if (skip >= count) return
              if (bytes !== null) await engine.ingestTsv(stream.name, afterLines(bytes, skip))
              else await engine.ingest(stream.name, skip === 0 ? records : records.slice(skip))
            },
            {
              retries: 5,
              initialDelayMs: 500,
              operation: `loading rows ${first}..${first + count - 1} of ${path}`,
              onRetry: ({ attempt, delayMs, error }) => logger.warn('load insert failed; retrying after reading how far the file got', { path, attempt, delayMs, error }),
            },
          )
          result.inserted += count
        })()
        // Awaited at the next flush; marked handled now so that a failure meanwhile is not an unhandled rejection.
        inFlight.catch(() => {})
      }

      const reader = readRecords(path, { format, ...(csv ? { csv } : {}), ...(options.maxRecordBytes ? { maxRecordBytes: options.maxRecordBytes } : {}) })
      for await (const batch of reader) {
        for (const record of batch) {
          rowsSeen = record.row + 1
          if (record.end > 0) bytesRead = record.end
          if (record.row < nextRow) continue
          if (fast !== null && record.ok) {
            const fields = fast(record.value)
            if (fields !== null) {
              lines.add(record.row, masterTsv.line(partition, record.row, '', fields))
              if (lines.rows >= blockRows) await flush()
              continue
            }
          }
          const archived = toArchived(record, partition)
          if (text) lines.add(record.row, tsvOf(archived))
          else block.push(archived)
          if (archived.error !== undefined) {
            result.rejected++
            const key = reasonKey(archived.error)
            result.rejectedBy[key] = (result.rejectedBy[key] ?? 0) + 1
            letters.push({
              stream: stream.name,
              stage: 'load',
              reason: archived.error,
              payload: maskPayload(record.ok ? Buffer.from(JSON.stringify(record.value, jsonSafe)) : record.raw),
              partition,
              offset: record.row,
              at: clock.now(),
            })
          }
          if ((text ? lines.rows : block.length) >= blockRows) await flush()
        }
        if (performance.now() - lastReport >= everyMs) {
          lastReport = performance.now()
          report(false)
        }
      }
      await flush()
      if (inFlight) await inFlight
      bytesRead = bytes
      result.rows = rowsSeen
      result.rejected += rejectedBefore
      rejectedBefore = 0
      await engine.completeLoad(stream.name, file, { partition, rows: result.rows, rejected: result.rejected })
      result.status = 'loaded'
      report(true)
      logger.info('file loaded', { path, partition, rows: result.rows, inserted: result.inserted, rejected: result.rejected })

      function toArchived(record: FileRecord, p: number): ArchivedRecord {
        if (!record.ok) return { partition: p, offset: record.row, event: {}, error: record.reason }
        const mapped = map(record.value)
        if (!mapped.ok) return { partition: p, offset: record.row, event: {}, error: mapped.reason }
        const decoded = decode(mapped.event, logTime)
        if (!decoded.ok) return { partition: p, offset: record.row, event: {}, error: decoded.reason }
        const event = decoded.event as Record<string, unknown>
        return { partition: p, offset: record.row, event: maskEvent === null ? event : maskEvent(event) }
      }
    } catch (error) {
      if (TwinflowError.is(error, 'config')) throw error
      result.status = 'failed'
      result.error = error instanceof Error ? error.message : String(error)
      logger.error('file not loaded', { path: basename(path), error })
    }
    summary.inserted += result.inserted
    for (const [key, n] of Object.entries(result.rejectedBy)) {
      summary.rejectedBy[key] = (summary.rejectedBy[key] ?? 0) + n
      summary.rejected += n
    }
  }
  summary.ms = Math.round(performance.now() - started)
  return summary
}

/** Dead-letter payloads of parsed records: JSON, with Parquet's bigints and Dates written as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
