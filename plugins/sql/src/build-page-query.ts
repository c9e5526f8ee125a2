import { pgInvisibleSql, type PgSnapshot } from './pg-snapshot.ts'
import { quoteQualified, type CursorKind, type SqlDialect } from './sql-dialect.ts'

/** Names of the columns the late-row check adds to its rows (removed before the rows are records). */
export const LATE_COLUMN = '__twinflow_late'
export const SNAPSHOT_COLUMN = '__twinflow_snapshot'

/** What the source reads: a table (and columns), or a query with a `{{cursor}}` condition. */
export type PageSource = { table: string; columns?: readonly string[] } | { query: string }

/** The query of one page, fixed for a source: where from, in which order, how many, with which guards. */
export interface PagePlan {
  dialect: SqlDialect
  source: PageSource
  /** The cursor column and its tie-breaker, as written in the options (qualified names allowed in query mode). */
  cursor: readonly string[]
  kinds: readonly CursorKind[]
  batchSize: number
  /** Rows are read once their (time) cursor is this old by the server's clock; 0: no lag. */
  safetyLagMs: number
}

/** Where the page starts: after the cursor values (null: the first page), and the late-row check's reference, if any. */
export interface PageStart {
  after: readonly string[] | null
  /** PostgreSQL: the snapshot the rows up to `after` were read in, and how far back to look for rows it did not see. */
  lateCheck?: { snapshot: PgSnapshot; lookbackMs: number } | null
  /** PostgreSQL: return the statement's snapshot with every row (the next page's reference). */
  withSnapshot?: boolean
}

/**
 * The SQL and parameters of one keyset page: the rows after the cursor, in cursor order, at most
 * `batchSize`; the first page reads from the start (rows with a NULL cursor are never read).
 * With a late-row check (PostgreSQL, table mode), one statement (so one snapshot) also returns the
 * rows at or below the cursor, within the lookback, that the reference snapshot did not see,
 * marked in LATE_COLUMN.
 */
export function buildPageQuery(plan: PagePlan, start: PageStart): { sql: string; params: unknown[] } {
  const { dialect } = plan
  const { params, push } = placeholders(dialect)
  const columns = plan.cursor.map((c) => quoteQualified(dialect, c))
  const conditions = start.after === null ? columns.map((c) => `${c} IS NOT NULL`) : [dialect.after(columns, start.after, plan.kinds, push)]
  if (plan.safetyLagMs > 0) conditions.push(dialect.olderThan(columns[0]!, plan.safetyLagMs))
  const where = conditions.join(' AND ')
  const order = `ORDER BY ${columns.join(', ')}`
  const limit = `LIMIT ${plan.batchSize}`
  const snapshot = start.withSnapshot ? `, pg_current_snapshot()::text AS ${dialect.quote(SNAPSHOT_COLUMN)}` : ''
  if ('query' in plan.source) {
    return { sql: `${plan.source.query.replace('{{cursor}}', () => `(${where})`)} ${order} ${limit}`, params }
  }
  const table = quoteQualified(dialect, plan.source.table)
  const select = plan.source.columns === undefined ? '*' : plan.source.columns.map((c) => dialect.quote(c)).join(', ')
  const late = start.lateCheck
  if (late === undefined || late === null || start.after === null) {
    return { sql: `SELECT ${select}${snapshot} FROM ${table} WHERE ${where} ${order} ${limit}`, params }
  }
  const flag = dialect.quote(LATE_COLUMN)
  const atOrBelow = `NOT (${dialect.after(columns, start.after, plan.kinds, push)})`
  const lateWhere = [...columns.map((c) => `${c} IS NOT NULL`), atOrBelow, dialect.newerThan(columns[0]!, late.lookbackMs), pgInvisibleSql(late.snapshot)].join(' AND ')
  const page = `(SELECT ${select}, false AS ${flag}${snapshot} FROM ${table} WHERE ${where} ${order} ${limit})`
  const missed = `(SELECT ${select}, true AS ${flag}${snapshot} FROM ${table} WHERE ${lateWhere})`
  const outer = plan.cursor.map((c) => dialect.quote(c.split('.').pop()!))
  return { sql: `SELECT * FROM (${page} UNION ALL ${missed}) AS twinflow_page ORDER BY ${flag}, ${outer.join(', ')}`, params }
}

/** The SQL that reads no row but names the columns (and their types) a page has: checks the table, the columns and the query at connect. */
export function buildProbeQuery(plan: PagePlan): string {
  const { dialect } = plan
  const columns = plan.cursor.map((c) => quoteQualified(dialect, c))
  if ('query' in plan.source) return `${plan.source.query.replace('{{cursor}}', () => '(1 = 0)')} ORDER BY ${columns.join(', ')} LIMIT 0`
  const select = plan.source.columns === undefined ? '*' : plan.source.columns.map((c) => dialect.quote(c)).join(', ')
  return `SELECT ${select} FROM ${quoteQualified(dialect, plan.source.table)} WHERE 1 = 0 ORDER BY ${columns.join(', ')} LIMIT 0`
}

/** Counts the rows a table mode source never reads because a cursor column is NULL. */
export function buildNullCountQuery(plan: PagePlan): string | null {
  if ('query' in plan.source) return null
  const { dialect } = plan
  const nulls = plan.cursor.map((c) => `${quoteQualified(dialect, c)} IS NULL`).join(' OR ')
  return `SELECT count(*) AS n FROM ${quoteQualified(dialect, plan.source.table)} WHERE ${nulls}`
}

/**
 * Counts the rows at or below the cursor `after` (none of whose cursor columns is NULL): the rows a
 * table mode source that has read up to `after` has passed (null in query mode: a query's rows
 * cannot be counted apart from it without knowing its columns). With
 * `lateCheck` (PostgreSQL), rows the late-row check will still read (newer than its lookback and
 * not seen by its snapshot) are left out: they are not behind the source yet.
 */
export function buildBehindCountQuery(
  plan: PagePlan,
  after: readonly string[],
  lateCheck: { snapshot: PgSnapshot; lookbackMs: number } | null = null,
): { sql: string; params: unknown[] } | null {
  if ('query' in plan.source) return null
  const { dialect } = plan
  const { params, push } = placeholders(dialect)
  const columns = plan.cursor.map((c) => quoteQualified(dialect, c))
  const conditions = [...columns.map((c) => `${c} IS NOT NULL`), dialect.atOrBelow(columns, after, plan.kinds, push)]
  if (lateCheck !== null) conditions.push(`NOT (${dialect.newerThan(columns[0]!, lateCheck.lookbackMs)} AND ${pgInvisibleSql(lateCheck.snapshot)})`)
  const where = conditions.join(' AND ')
  return { sql: `SELECT count(*) AS n FROM ${quoteQualified(dialect, plan.source.table)} WHERE ${where}`, params }
}

/** A statement's parameters, and `push` that adds one and answers its placeholder in the dialect ($1, $2... or ?). */
function placeholders(dialect: SqlDialect): { params: unknown[]; push: (value: unknown) => string } {
  const params: unknown[] = []
  const push = (value: unknown) => {
    params.push(value)
    return dialect.name === 'postgres' ? `$${params.length}` : '?'
  }
  return { params, push }
}
