import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Expr } from '../expr/expr.ts'
import type { CellSpec } from './cell.ts'
import type { Measure } from './measure.ts'

const countCell: CellSpec = { name: 'count', op: 'sum', numeric: 'int', sqlAggregate: () => 'count()', lift: () => 1 }

function argNode(kind: string, arg: Expr<number>) {
  const type = arg.node.type
  if (type !== 'int' && type !== 'float' && type !== 'time') {
    throw new TwinflowError('config', `${kind}() needs a numeric expression, got ${type}`)
  }
  return { node: arg.node, numeric: type === 'float' ? ('float' as const) : ('int' as const) }
}

function simple(kind: 'sum' | 'min' | 'max', arg: Expr<number>): Measure<number> {
  const { node, numeric } = argNode(kind, arg)
  const cell: CellSpec = { name: kind, op: kind, numeric, sqlAggregate: (sql) => `${kind}(${sql})`, lift: (v) => v as number }
  return { kind, arg: node, cells: [cell], resultType: numeric, finalize: (c, at) => c[at]!, finalizeSql: ([c]) => c! }
}

/** Number of events in the group. */
export function count(): Measure<number> {
  return { kind: 'count', arg: null, cells: [countCell], resultType: 'int', finalize: (c, at) => c[at]!, finalizeSql: ([c]) => c! }
}
/** Sum of a numeric expression (integers stay exact up to 2^53). */
export function sum(arg: Expr<number>): Measure<number> {
  return simple('sum', arg)
}
export function min(arg: Expr<number>): Measure<number> {
  return simple('min', arg)
}
export function max(arg: Expr<number>): Measure<number> {
  return simple('max', arg)
}
/** Mean, kept as (sum, count) so that partial results merge exactly. */
export function avg(arg: Expr<number>): Measure<number> {
  const { node, numeric } = argNode('avg', arg)
  const sumCell: CellSpec = { name: 'sum', op: 'sum', numeric, sqlAggregate: (sql) => `sum(${sql})`, lift: (v) => v as number }
  return {
    kind: 'avg',
    arg: node,
    cells: [sumCell, countCell],
    resultType: 'float',
    finalize: (c, at) => c[at]! / c[at + 1]!,
    // ClickHouse's `/` is a division of doubles, as JavaScript's.
    finalizeSql: ([total, n]) => `(${total} / ${n})`,
  }
}
