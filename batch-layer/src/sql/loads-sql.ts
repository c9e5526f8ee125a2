import { formatLiteral } from './format-literal.ts'
import { quoteIdentifier } from './quote-identifier.ts'

export const LOADS_TABLE = 'tf_loads'

const PARTITION = quoteIdentifier('partition')
const STATUS = quoteIdentifier('status')

/**
 * SQL of the load catalog `tf_loads`: one row per event of a file loaded into a stream's master
 * table (`started` when it is given its partition, `complete` when its last row is in), never
 * updated. A file is known by the SHA-256 of its content, whatever its name.
 */
export const loadsSql = {
  create(): string {
    return (
      `CREATE TABLE IF NOT EXISTS ${LOADS_TABLE} (stream String, sha256 String, path String, bytes UInt64, ${PARTITION} UInt32, ` +
      `rows UInt64, rejected UInt64, ${STATUS} String, at Int64) ENGINE = MergeTree() ORDER BY (stream, sha256, at)`
    )
  },

  /** Every entry of a stream, oldest first (ties: by sha256, then partition): who took a partition first holds it. */
  entries(stream: string): string {
    return (
      `SELECT sha256, path, bytes, ${PARTITION} AS p, rows, rejected, ${STATUS} AS s, at FROM ${LOADS_TABLE} ` +
      `WHERE stream = ${formatLiteral(stream, 'string')} ORDER BY at, sha256, p`
    )
  },
}
