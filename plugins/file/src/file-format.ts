import { extname } from 'node:path'
import { TwinflowError } from '@twinflow/core'

export const FILE_FORMATS = ['csv', 'ndjson', 'json', 'parquet'] as const
export type FileFormat = (typeof FILE_FORMATS)[number]

const BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.parquet': 'parquet',
  '.pq': 'parquet',
}

/** A file's format: the one given, else its extension's (.csv .tsv .ndjson .jsonl .json .parquet .pq); a `config` error when neither says. */
export function fileFormatOf(path: string, given?: string): FileFormat {
  if (given !== undefined) {
    if ((FILE_FORMATS as readonly string[]).includes(given)) return given as FileFormat
    throw new TwinflowError('config', `unknown file format "${given}"; formats: ${FILE_FORMATS.join(', ')}`)
  }
  const format = BY_EXTENSION[extname(path).toLowerCase()]
  if (format) return format
  throw new TwinflowError('config', `cannot tell the format of ${path} from its extension; give it (${FILE_FORMATS.join(', ')})`, { context: { path } })
}
