import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Expr, Nullish } from '../expr/expr.ts'
import type { CellSpec, CellValue } from './cell.ts'
import type { Measure } from './measure.ts'

const countCell: CellSpec = { name: 'count', op: 'sum', numeric: 'int', sqlAggregate: () => 'count()', lift: () => 1 }

/** Counts the values that are not null (SQL's count(x)). */
const countValuesCell: CellSpec = { name: 'count', op: 'sum', numeric: 'int', sqlAggregate: (sql) => `count(${sql})`, lift: (v) => (v === null ? 0 : 1) }

function argNode(kind: string, arg: Expr<number | null>) {
  const type = arg.node.type
  if (type !== 'int' && type !== 'float' && type !== 'time') {
    throw new TwinflowError('config', `${kind}() needs a numeric expression, got ${type}`)
  }
  return { node: arg.node, numeric: type === 'float' ? ('float' as const) : ('int' as const), nullable: arg.node.nullable === true }
}

/** A sum cell that skips nulls: 0 where the argument is null. */
function sumCell(numeric: 'int' | 'float', nullable: boolean): CellSpec {
  return nullable
    ? { name: 'sum', op: 'sum', numeric, sqlAggregate: (sql) => `sum(ifNull(${sql}, 0))`, lift: (v) => (v === null ? 0 : (v as number)) }
    : { name: 'sum', op: 'sum', numeric, sqlAggregate: (sql) => `sum(${sql})`, lift: (v) => v as number }
}

/** `finalize` of a measure over a nullable argument in SQL: NULL where its count of values is 0, else `value`. */
const unlessNone = (count: string, value: string) => `if(${count} = 0, NULL, ${value})`

function simple(kind: 'sum' | 'min' | 'max', arg: Expr<number | null>): Measure<number | null> {
  const { node, numeric, nullable } = argNode(kind, arg)
  if (!nullable) {
    const cell: CellSpec = { name: kind, op: kind, numeric, sqlAggregate: (sql) => `${kind}(${sql})`, lift: (v) => v as number }
    return { kind, arg: node, cells: [cell], resultType: numeric, nullable: false, finalize: (c, at) => c[at] as number, finalizeSql: ([c]) => c! }
  }
  // Over a nullable argument: the value cell, and how many values it holds (none: the measure is null).
  const identity = kind === 'min' ? Infinity : -Infinity
  const value: CellSpec =
    kind === 'sum'
      ? sumCell(numeric, true)
      : { name: kind, op: kind, numeric, nullable: true, sqlAggregate: (sql) => `${kind}(${sql})`, lift: (v) => (v === null ? identity : (v as number)) }
  return {
    kind,
    arg: node,
    cells: [value, countValuesCell],
    resultType: numeric,
    nullable: true,
    finalize: (c, at) => (c[at + 1] === 0 ? null : (c[at] as number)),
    finalizeSql: ([v, n]) => unlessNone(n!, v!),
  }
}

/** Number of events in the group; with an argument, of the events where it is not null. */
export function count(arg?: Expr): Measure<number> {
  const cells = [arg === undefined ? countCell : countValuesCell]
  return { kind: 'count', arg: arg?.node ?? null, cells, resultType: 'int', nullable: false, finalize: (c, at) => c[at] as number, finalizeSql: ([c]) => c! }
}
/** Sum of a numeric expression, nulls skipped (integers stay exact up to 2^53); null when every value is null. */
export function sum<T extends number | null>(arg: Expr<T>): Measure<number | Nullish<T>> {
  return simple('sum', arg as unknown as Expr<number | null>) as Measure<number | Nullish<T>>
}
/** Smallest value, nulls skipped; null when every value is null. */
export function min<T extends number | null>(arg: Expr<T>): Measure<number | Nullish<T>> {
  return simple('min', arg as unknown as Expr<number | null>) as Measure<number | Nullish<T>>
}
/** Largest value, nulls skipped; null when every value is null. */
export function max<T extends number | null>(arg: Expr<T>): Measure<number | Nullish<T>> {
  return simple('max', arg as unknown as Expr<number | null>) as Measure<number | Nullish<T>>
}
/** Mean of the values that are not null, kept as (sum, count) so that partial results merge exactly; null when there is none. */
export function avg<T extends number | null>(arg: Expr<T>): Measure<number | Nullish<T>> {
  const { node, numeric, nullable } = argNode('avg', arg as unknown as Expr<number | null>)
  const cells = [sumCell(numeric, nullable), nullable ? countValuesCell : countCell]
  const finalize = nullable
    ? (c: readonly CellValue[], at: number) => (c[at + 1] === 0 ? null : (c[at] as number) / (c[at + 1] as number))
    : (c: readonly CellValue[], at: number) => (c[at] as number) / (c[at + 1] as number)
  // ClickHouse's `/` is a division of doubles, as JavaScript's.
  const finalizeSql = nullable ? ([total, n]: readonly string[]) => unlessNone(n!, `(${total} / ${n})`) : ([total, n]: readonly string[]) => `(${total} / ${n})`
  return { kind: 'avg', arg: node, cells, resultType: 'float', nullable, finalize, finalizeSql } as Measure<number | Nullish<T>>
}
