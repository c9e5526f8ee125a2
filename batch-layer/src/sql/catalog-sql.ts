import { formatLiteral } from './format-literal.ts'

/** Queries of the ClickHouse catalog (system tables of 18.16 and later), in the current database. */
export const catalogSql = {
  /** `{ n }` rows: 1 when the table exists. */
  tableExists(table: string): string {
    return `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = ${formatLiteral(table, 'string')}`
  },

  /** `{ name }` rows of tables whose name starts with `prefix` (and possibly more: filter exactly in code). */
  tablesLike(prefix: string): string {
    return `SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE ${formatLiteral(`${prefix}%`, 'string')}`
  },

  /** `{ name, type }` rows of a table's columns. */
  columns(table: string): string {
    return `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = ${formatLiteral(table, 'string')}`
  },

  dropTable(table: string): string {
    return `DROP TABLE IF EXISTS ${table}`
  },
}
