import type { SqlDialect } from './sql-dialect.ts'

/**
 * PostgreSQL: `"quoted"` names, `$n` parameters (sent as text: the server casts each to the
 * column's type), the keyset as a row comparison (`(a, b) > ($1, $2)`, which a B-tree index on
 * `(a, b)` answers as one range).
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: (name) => `"${name.replaceAll('"', '""')}"`,
  after(columns, after, _kinds, push) {
    if (columns.length === 1) return `${columns[0]} > ${push(after[0])}`
    return `(${columns.join(', ')}) > (${after.map((v) => push(v)).join(', ')})`
  },
  atOrBelow(columns, after, _kinds, push) {
    if (columns.length === 1) return `${columns[0]} <= ${push(after[0])}`
    return `(${columns.join(', ')}) <= (${after.map((v) => push(v)).join(', ')})`
  },
  olderThan: (column, lagMs) => `${column} <= now() - interval '${Math.trunc(lagMs)} milliseconds'`,
  newerThan: (column, ms) => `${column} > now() - interval '${Math.trunc(ms)} milliseconds'`,
}
