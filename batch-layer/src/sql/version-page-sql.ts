import { mergeCellSql, TwinflowError, windowMs, type PageSelection, type Scalar, type ValueKind, type ViewDef, type WindowSelection } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'
import { versionTableSql } from './version-table-sql.ts'

const WINDOW_START = '_window_start'
const BUCKET = '_bucket'
const DAY_MS = 86_400_000

/** A sort term in SQL: its expression and the kind of its values (for the cursor's literals). */
interface SqlTerm {
  sql: string
  kind: ValueKind
  descending: boolean
  /** Whether the term can be NULL (a nullable key or measure): NULL is the least value, as in JavaScript's order. */
  nullable: boolean
}

/**
 * SQL of the ordered reads of a version table (`BatchEngine.countRows`, `readPage`): a selection of
 * windows and groups merged into buckets, counted, or ordered and cut after a keyset cursor, in
 * ClickHouse so that a page costs the scan of its range and the transfer of the page alone.
 *
 * It runs on ClickHouse 18.16 and on current releases: no server-side parameters (every value is
 * a literal of `formatLiteral`), no tuple comparison (a keyset condition is an OR chain of
 * equalities and one strict comparison per term, whatever the mix of directions), buckets are
 * integer arithmetic (a month: the window start less its day of the month, read in UTC). The
 * order is the JavaScript one on finalized values: strings compare as bytes (UTF-8: code point
 * order), booleans as UInt8, measures as `finalizeSql` computes them (the same doubles), NULL
 * before every value (ordered by `isNull` first: the default places of NULL differ by release).
 * Buckets merge cells by `mergeCellSql`, sketches too. A measure without `finalizeSql` (a
 * sketch's) cannot order a page: a `validation` error.
 */
export const versionPageSql = {
  /** `{ n }`: the rows of the selection once merged into its buckets. */
  count(view: ViewDef, version: number, selection: WindowSelection): string {
    const table = versionTableSql.table(view, version)
    const where = selectionWhere(view, selection)
    const bucket = bucketSql(view, selection)
    if (bucket === null) return `SELECT count() AS n FROM ${table} WHERE ${where}`
    // An aggregate skips a row with a NULL argument: a nullable key counts as (isNull, assumeNotNull).
    const keys = view.keys.flatMap((k) => (k.nullable ? [`isNull(${k.column})`, `assumeNotNull(${k.column})`] : [k.column]))
    return `SELECT uniqExact(${[bucket, ...keys].join(', ')}) AS n FROM ${table} WHERE ${where}`
  },

  /** The page's rows in the columns of `versionTableSql.columns` (window start: the bucket's), ordered, at most `limit`. */
  page(view: ViewDef, version: number, page: PageSelection): string {
    if (!Number.isSafeInteger(page.limit) || page.limit < 1) throw new TwinflowError('validation', `readPage: limit must be a positive integer, got ${page.limit}`)
    const table = versionTableSql.table(view, version)
    const where = selectionWhere(view, page)
    const bucket = bucketSql(view, page)
    const keys = view.keys.map((k) => k.column)
    const cells = view.cells.map((c) => c.column)
    if (bucket === null) {
      const terms = sortTerms(view, page, WINDOW_START, cells)
      const conditions = [where, ...(page.after ? [keysetCondition(terms, page.after)] : [])]
      return `SELECT ${[WINDOW_START, ...keys, ...cells].join(', ')} FROM ${table} WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy(terms)} LIMIT ${page.limit}`
    }
    // Merged into buckets in a subquery whose aggregates have names of their own (`_cell<i>`): an
    // alias equal to the column it aggregates would be read in its own place on some releases.
    const merged = view.cells.map((c, i) => `${mergeCellSql(c.spec.op, c.column)} AS _cell${i}`)
    const inner = `SELECT ${[`${bucket} AS ${BUCKET}`, ...keys, ...merged].join(', ')} FROM ${table} WHERE ${where} GROUP BY ${[BUCKET, ...keys].join(', ')}`
    const terms = sortTerms(
      view,
      page,
      BUCKET,
      view.cells.map((_, i) => `_cell${i}`),
    )
    const columns = [`${BUCKET} AS ${WINDOW_START}`, ...keys, ...cells.map((column, i) => `_cell${i} AS ${column}`)]
    const condition = page.after ? ` WHERE ${keysetCondition(terms, page.after)}` : ''
    return `SELECT ${columns.join(', ')} FROM (${inner})${condition} ORDER BY ${orderBy(terms)} LIMIT ${page.limit}`
  },
}

/** The window range and the key filters of a selection. */
function selectionWhere(view: ViewDef, { from, to, keys }: WindowSelection): string {
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!Number.isSafeInteger(value)) throw new TwinflowError('validation', `${name} must be a time in epoch ms, got ${value}`)
  }
  const conditions = [`${WINDOW_START} >= ${integer(from)}`, `${WINDOW_START} < ${integer(to)}`]
  for (const [name, values] of Object.entries(keys ?? {})) {
    const key = view.keys.find((k) => k.name === name)
    if (!key) throw new TwinflowError('validation', `view "${view.name}" has no key "${name}"`)
    // No value allowed: no row (`IN ()` is not SQL).
    conditions.push(values.length === 0 ? '0' : `${key.column} IN (${values.map((v) => formatLiteral(v, key.type)).join(', ')})`)
  }
  return conditions.join(' AND ')
}

/** The bucket of a row's window start, in SQL; null when the buckets are the view's windows. */
function bucketSql(view: ViewDef, { bucket }: WindowSelection): string | null {
  if (bucket === undefined) return null
  if (bucket === '1mo') {
    // Every window size divides a day: the start of the window's day, less the days before it in its month.
    return `(${WINDOW_START} - ${WINDOW_START} % ${DAY_MS} - (toDayOfMonth(toDateTime(intDiv(${WINDOW_START}, 1000), 'UTC')) - 1) * ${DAY_MS})`
  }
  const size = windowMs(bucket)
  if (!Number.isSafeInteger(size) || size % view.windowMs !== 0) {
    throw new TwinflowError('validation', `bucket ${bucket} is not a whole number of the ${view.window} windows of view "${view.name}"`)
  }
  return size === view.windowMs ? null : `intDiv(${WINDOW_START}, ${size}) * ${size}`
}

/** The SQL of each sort term: the window start as `windowStart`, a key's column, a measure finalized from `cells`. */
function sortTerms(view: ViewDef, page: PageSelection, windowStart: string, cells: readonly string[]): SqlTerm[] {
  return page.orderBy.map(({ field, direction }): SqlTerm => {
    if (direction !== 'ASC' && direction !== 'DESC') throw new TwinflowError('validation', `direction must be ASC or DESC, got ${JSON.stringify(direction)}`)
    const descending = direction === 'DESC'
    if (field === 'windowStart') return { sql: windowStart, kind: 'time', descending, nullable: false }
    const key = view.keys.find((k) => k.name === field)
    if (key) return { sql: key.column, kind: key.type, descending, nullable: key.nullable }
    const measure = view.measures.find((m) => m.name === field)
    if (!measure) throw new TwinflowError('validation', `cannot order view "${view.name}" by "${field}"`)
    const { finalizeSql, resultType, nullable } = measure.measure
    if (finalizeSql === null || resultType === 'quantiles')
      throw new TwinflowError('validation', `cannot order view "${view.name}" by its ${measure.measure.kind}() measure "${field}"`)
    const own = cells.slice(measure.firstCell, measure.firstCell + measure.measure.cells.length)
    return { sql: finalizeSql(own), kind: resultType, descending, nullable }
  })
}

function orderBy(terms: readonly SqlTerm[]): string {
  return terms
    .map((t) => {
      const direction = t.descending ? 'DESC' : 'ASC'
      // NULL first ascending, last descending: isNull (1 for NULL) in the opposite direction.
      return t.nullable ? `isNull(${t.sql}) ${t.descending ? 'ASC' : 'DESC'}, ${t.sql} ${direction}` : `${t.sql} ${direction}`
    })
    .join(', ')
}

/**
 * Rows strictly after `after` in the order of `terms`: the first term past its value, or equal to
 * it and the second past its value, and so on (an OR chain: directions may differ term by term).
 */
function keysetCondition(terms: readonly SqlTerm[], after: readonly (Scalar | null)[]): string {
  if (after.length !== terms.length) throw new TwinflowError('validation', `after has ${after.length} values for ${terms.length} sort terms`)
  const literals = terms.map((t, i) => {
    const value = after[i]
    if (value === null || value === undefined) {
      if (!t.nullable) throw new TwinflowError('validation', `after has null for a sort term that cannot be null`)
      return null
    }
    return literal(value, t.kind)
  })
  const branches = terms.map((term, i) => {
    const equal = terms.slice(0, i).map((t, j) => equalSql(t, literals[j]!))
    return `(${[...equal, pastSql(term, literals[i]!)].join(' AND ')})`
  })
  return `(${branches.join(' OR ')})`
}

/**
 * A term equal to a literal (null: NULL), never NULL itself: a nullable term's comparisons read
 * `assumeNotNull` of it behind `isNotNull`, so that no condition is NULL on any release.
 */
function equalSql(term: SqlTerm, value: string | null): string {
  if (!term.nullable) return `${term.sql} = ${value}`
  return value === null ? `isNull(${term.sql})` : `(isNotNull(${term.sql}) AND assumeNotNull(${term.sql}) = ${value})`
}

/** A term strictly past a literal (null: NULL) in its direction, NULL being the least value. */
function pastSql(term: SqlTerm, value: string | null): string {
  const op = term.descending ? '<' : '>'
  if (!term.nullable) return `${term.sql} ${op} ${value}`
  if (value === null) return term.descending ? '0' : `isNotNull(${term.sql})`
  return term.descending ? `(isNull(${term.sql}) OR assumeNotNull(${term.sql}) < ${value})` : `(isNotNull(${term.sql}) AND assumeNotNull(${term.sql}) > ${value})`
}

/** A literal, in parentheses when negative (`x > -1` is read as intended on every release, but `(-1)` leaves no doubt). */
function literal(value: Scalar, kind: ValueKind): string {
  const sql = formatLiteral(value, kind)
  return sql.startsWith('-') ? `(${sql})` : sql
}

function integer(value: number): string {
  return literal(value, 'int')
}
