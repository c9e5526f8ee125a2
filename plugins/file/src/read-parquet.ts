import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { TwinflowError } from '@twinflow/core'
import type { FileRecord, ReadEnd, ReadOptions } from './file-record.ts'

/**
 * Reads a Parquet file row group by row group (hyparquet, pure JavaScript; every codec of
 * hyparquet-compressors: snappy, gzip, zstd, brotli, lz4). Values keep Parquet's types: INT64 as
 * bigint, timestamps as Date, strings, numbers, booleans, null; the field mapping converts them.
 * `startRow` skips rows already taken; the return value's `end` is the file's number of rows. Throws (`validation`) when the file is not Parquet or a row
 * group cannot be decoded: a Parquet file is read whole or not at all, there is no record to skip.
 */
export async function* readParquet(path: string, read: Pick<ReadOptions, 'startRow'> = {}): AsyncGenerator<FileRecord[], ReadEnd> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>
  try {
    file = await asyncBufferFromFile(path)
    metadata = await parquetMetadataAsync(file)
  } catch (error) {
    throw new TwinflowError('validation', `${path} is not a Parquet file this reader can read: ${(error as Error).message}`, { cause: error })
  }
  let groupStart = 0
  const startRow = read.startRow ?? 0
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows)
    const from = Math.max(groupStart, startRow)
    if (from < groupEnd) {
      let rows: Record<string, unknown>[]
      try {
        rows = (await parquetReadObjects({ file, metadata, rowStart: from, rowEnd: groupEnd, compressors })) as Record<string, unknown>[]
      } catch (error) {
        throw new TwinflowError('validation', `${path}: rows ${from} to ${groupEnd - 1} cannot be decoded: ${(error as Error).message}`, { cause: error })
      }
      const out: FileRecord[] = new Array(rows.length)
      for (let i = 0; i < rows.length; i++) out[i] = { row: from + i, position: -1, end: -1, ok: true, value: rows[i]! }
      yield out
    }
    groupStart = groupEnd
  }
  // A Parquet file's position is a row: the end is its number of rows.
  return { end: Math.max(groupStart, startRow) }
}
