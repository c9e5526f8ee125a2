import { createReadStream } from 'node:fs'
import { extname } from 'node:path'
import type { CsvOptions } from './csv-options.ts'
import type { FileFormat } from './file-format.ts'
import type { FileRecord, ReadEnd, ReadOptions } from './file-record.ts'
import { readCsv } from './read-csv.ts'
import { readJsonArray } from './read-json-array.ts'
import { readNdjson } from './read-ndjson.ts'
import { readParquet } from './read-parquet.ts'

export interface ReadRecordsOptions extends ReadOptions {
  format: FileFormat
  /** CSV only; a `.tsv` file's default delimiter is a tab. */
  csv?: CsvOptions
  /** Bytes per read. @default 1 MiB */
  highWaterMark?: number
}

/**
 * The records of a file, in file order, in arrays (one per chunk read or Parquet row group). Reads
 * from `startPosition` (text formats) and numbers rows from `startRow`; for Parquet, `startRow`
 * skips rows. A file that cannot be opened rejects the first iteration (ENOENT...).
 */
export function readRecords(path: string, options: ReadRecordsOptions): AsyncGenerator<FileRecord[], ReadEnd> {
  if (options.format === 'parquet') return readParquet(path, options)
  const input = createReadStream(path, { start: options.startPosition ?? 0, highWaterMark: options.highWaterMark ?? 1024 * 1024 })
  switch (options.format) {
    case 'csv': {
      const tsv = extname(path).toLowerCase() === '.tsv'
      const csv = options.csv ?? { delimiter: tsv ? '\t' : ',', quote: '"', header: true }
      return readCsv(input, csv, options)
    }
    case 'ndjson':
      return readNdjson(input, options)
    case 'json':
      return readJsonArray(input, options)
  }
}
