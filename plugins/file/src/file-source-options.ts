import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { csvOptionsSchema } from './csv-options.ts'
import { FILE_FORMATS } from './file-format.ts'
import { DEFAULT_MAX_RECORD_BYTES } from './file-record.ts'

/** Options of the `file` source plugin. */
export const fileSourceOptionsSchema = z.strictObject({
  /** The stream the files' records are events of. */
  stream: z.string({ error: 'must name a stream of the pipeline' }).min(1, 'must name a stream of the pipeline'),
  /**
   * The files: a path or a glob (`data/orders-*.csv`, `exports/**\/*.ndjson`, `{a,b}/*.json`),
   * relative to the process's working directory. Files are read in the order of their names
   * (relative to the glob's folder), which is also how dead-letter positions name them.
   */
  path: z.string({ error: 'must be a path or a glob of the files to read' }).min(1, 'must be a path or a glob of the files to read'),
  /** The files' format. @default each file's extension's: .csv .tsv .ndjson .jsonl .json .parquet .pq */
  format: z.enum(FILE_FORMATS).optional(),
  /** How CSV files are written (delimiter, quote, header, columns). @default RFC 4180 with a header line (a tab for .tsv) */
  csv: csvOptionsSchema.optional(),
  /**
   * `once`: read the files that match when the source starts, then end. `watch`: keep looking for
   * new files and for records appended to the files read (complete lines only). @default 'once'
   */
  mode: z.enum(['once', 'watch']).default('once'),
  /** How often `watch` looks at the folder again when there is nothing to read. @default 1000 */
  pollIntervalMs: z.int().min(10).max(3_600_000).default(1000),
  /** `watch`: a Parquet file is read once its size and time have not changed for this long (it is readable only once written whole). @default 2000 */
  settleMs: z.int().min(0).max(3_600_000).default(2000),
  /** Records per batch (one append to the log with its checkpoint). @default 1000 */
  batchSize: z.int().min(1).max(100_000).default(1000),
  /** A record longer than this is a dead letter; it is skipped, never held in memory. @default 1 MiB */
  maxRecordBytes: z
    .int()
    .min(64)
    .max(256 * 1024 * 1024)
    .default(DEFAULT_MAX_RECORD_BYTES),
  /**
   * How many files the checkpoint follows by name (the newest). Older files that are read whole
   * fall under its watermark: they are not looked at again, and a new file whose name sorts at or
   * before the watermark is skipped with a warning. @default 100
   */
  trackFiles: z.int().min(1).max(10_000).default(100),
})

export type FileSourceOptionsInput = z.input<typeof fileSourceOptionsSchema>
export type FileSourceOptions = z.output<typeof fileSourceOptionsSchema>

/** Validates `file` source options and fills in the defaults; messages name the option to fix. */
export function parseFileSourceOptions(raw: unknown): FileSourceOptions {
  return parseOptions(fileSourceOptionsSchema, raw ?? {})
}
