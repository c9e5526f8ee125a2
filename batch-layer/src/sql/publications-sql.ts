import { formatLiteral } from './format-literal.ts'
import { quoteIdentifier } from './quote-identifier.ts'

export const PUBLICATIONS_TABLE = 'tf_publications'

const VIEW = quoteIdentifier('view')
const COLUMNS = `${VIEW}, version, cutoff, published_at`

/**
 * SQL of `tf_publications`: one row per publish (a single INSERT, atomic); a view's served version
 * is its highest published version.
 */
export const publicationsSql = {
  create(): string {
    return `CREATE TABLE IF NOT EXISTS ${PUBLICATIONS_TABLE} (${VIEW} String, version UInt64, cutoff Int64, published_at Int64) ENGINE = MergeTree() ORDER BY (${VIEW}, version)`
  },

  /** Publications of a view, newest version first (one row per version). */
  list(view: string, limit: number | null = null): string {
    return (
      `SELECT ${COLUMNS} FROM ${PUBLICATIONS_TABLE} WHERE ${VIEW} = ${formatLiteral(view, 'string')} ` +
      `ORDER BY version DESC, published_at DESC LIMIT 1 BY version${limit === null ? '' : ` LIMIT ${formatLiteral(limit, 'int')}`}`
    )
  },
}
