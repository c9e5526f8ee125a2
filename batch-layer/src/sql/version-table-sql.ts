import type { ExprNode, ViewDef } from '@twinflow/core'
import { columnType } from './column-type'
import { compileExprSql } from './compile-expr-sql'
import { formatLiteral } from './format-literal'
import { masterTableSql } from './master-table-sql'
import { quoteIdentifier } from './quote-identifier'

const WINDOW_START = '_window_start'

/**
 * SQL of a view's version tables `tf_view_<view>_v<version>`: one row per (window, keys) with the
 * cell states of the view's measures, computed from the master table for event time < cutoff.
 *
 * Names never clash: stream fields and derived fields start with a letter, while the columns and
 * aliases of the batch layer start with `_` (`_window_start`, `_k_<key>`, `_m_<measure>_<cell>`,
 * `_error`...). That matters because ClickHouse aliases are visible in the whole query level.
 */
export const versionTableSql = {
  table(view: ViewDef, version: number): string {
    return `tf_view_${view.name}_v${version}`
  },

  /** Prefix of every version table name of the view (tables of other views may share it: match exactly with `versionOf`). */
  prefix(view: ViewDef): string {
    return `tf_view_${view.name}_v`
  },

  /** The version a table name holds, or null when it is not a version table of this view. */
  versionOf(view: ViewDef, table: string): number | null {
    const prefix = versionTableSql.prefix(view)
    if (!table.startsWith(prefix)) return null
    const rest = table.slice(prefix.length)
    return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null
  },

  /** Result columns in order: window start, keys, cells. */
  columns(view: ViewDef): { name: string; type: string }[] {
    return [
      { name: WINDOW_START, type: 'Int64' },
      ...view.keys.map((k) => ({ name: k.column, type: columnType(k.type) })),
      ...view.cells.map((c) => ({ name: c.column, type: columnType(c.spec.numeric) })),
    ]
  },

  /** DDL of a new version table (not IF NOT EXISTS: two builders of one version must not share a table). */
  create(view: ViewDef, version: number): string {
    const columns = versionTableSql.columns(view).map((c) => `${c.name} ${c.type}`)
    const order = [WINDOW_START, ...view.keys.map((k) => k.column)]
    return `CREATE TABLE ${versionTableSql.table(view, version)} (${columns.join(', ')}) ENGINE = MergeTree() ORDER BY (${order.join(', ')})`
  },

  /**
   * The recompute: an INSERT ... SELECT that groups the accepted events with event time < cutoff.
   * The inner query reads the fields the view uses from the master table and computes derived
   * fields under their own names; the outer query filters, then groups by window and keys.
   */
  build(view: ViewDef, version: number, cutoff: number): string {
    const stream = view.stream
    const time = quoteIdentifier(stream.timeField)
    const used = fieldsUsed(view)
    const fields = Object.keys(stream.fields)
      .filter((f) => f === stream.timeField || used.has(f))
      .map(quoteIdentifier)
    const derived = view.derived.map((d) => `${compileExprSql(d.node)} AS ${quoteIdentifier(d.name)}`)
    const inner =
      `SELECT ${[...fields, ...derived].join(', ')} FROM ${masterTableSql.table(stream)} ` +
      `WHERE _error = '' AND ${time} < ${formatLiteral(cutoff, 'time')}`
    const window = formatLiteral(view.windowMs, 'int')
    const select = [
      `intDiv(${time}, ${window}) * ${window} AS ${WINDOW_START}`,
      ...view.keys.map((k) => `${compileExprSql(k.node)} AS ${k.column}`),
      ...view.measures.flatMap((m) => {
        const arg = m.measure.arg ? compileExprSql(m.measure.arg) : null
        return m.measure.cells.map((cell, i) => `${cell.sqlAggregate(arg)} AS ${view.cells[m.firstCell + i]!.column}`)
      }),
    ]
    // An event whose float measure argument is NaN (e.g. 0/0) has no place in a monoid: the speed
    // layer dead-letters it for this view, so the batch layer leaves it out of this view too.
    const nanGuards = view.measures.flatMap((m) => (m.measure.arg?.type === 'float' ? [`NOT isNaN(${compileExprSql(m.measure.arg)})`] : []))
    const conditions = [...(view.where ? [compileExprSql(view.where)] : []), ...nanGuards]
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
    const groupBy = [WINDOW_START, ...view.keys.map((k) => k.column)]
    const columns = versionTableSql.columns(view).map((c) => c.name)
    return (
      `INSERT INTO ${versionTableSql.table(view, version)} (${columns.join(', ')}) ` +
      `SELECT ${select.join(', ')} FROM (${inner})${where} GROUP BY ${groupBy.join(', ')}`
    )
  },

  /** `{ n }`: rows of a version table. */
  count(view: ViewDef, version: number): string {
    return `SELECT count() AS n FROM ${versionTableSql.table(view, version)}`
  },

  /** Rows with from <= window start < to (infinite bounds are no bound), in the column order of `columns`. */
  readWindows(view: ViewDef, version: number, from: number, to: number): string {
    const columns = versionTableSql.columns(view).map((c) => c.name)
    const order = [WINDOW_START, ...view.keys.map((k) => k.column)]
    const bounds = [
      from === -Infinity ? null : `${WINDOW_START} >= ${bound(from)}`,
      to === Infinity ? null : `${WINDOW_START} < ${bound(to)}`,
    ].filter((b) => b !== null)
    const where = bounds.length > 0 ? ` WHERE ${bounds.join(' AND ')}` : ''
    return `SELECT ${columns.join(', ')} FROM ${versionTableSql.table(view, version)}${where} ORDER BY ${order.join(', ')}`
  },
}

function bound(value: number): string {
  const sql = formatLiteral(value, Number.isSafeInteger(value) ? 'int' : 'float')
  return sql.startsWith('-') ? `(${sql})` : sql
}

/** Names of the fields (stream or derived) the view's expressions read. */
function fieldsUsed(view: ViewDef): Set<string> {
  const names = new Set<string>()
  const visit = (node: ExprNode): void => {
    switch (node.op) {
      case 'field':
        names.add(node.name)
        return
      case 'lit':
        return
      case 'and':
      case 'or':
        node.args.forEach(visit)
        return
      case 'not':
      case 'in':
        visit(node.arg)
        return
      default:
        visit(node.left)
        visit(node.right)
    }
  }
  view.derived.forEach((d) => visit(d.node))
  if (view.where) visit(view.where)
  view.keys.forEach((k) => visit(k.node))
  view.measures.forEach((m) => m.measure.arg && visit(m.measure.arg))
  return names
}
