import type { Value } from '../expr/compile-call.ts'

/**
 * A measure's state is a fixed list of numeric cells, each merged by one commutative, associative
 * operation with an identity. The same three operations exist in JavaScript, in ClickHouse
 * (sum/min/max) and in a Redis Lua script, which is what lets batch, speed and serving merge
 * partial results with one rule.
 */
export type CellOp = 'sum' | 'min' | 'max'

export interface CellSpec {
  /** Column / hash-field suffix, e.g. `sum` or `count`. */
  readonly name: string
  readonly op: CellOp
  /** Whether the cell holds an integer (ClickHouse Int64/UInt64) or a double. */
  readonly numeric: 'int' | 'float'
  /**
   * The cell's ClickHouse column is Nullable: a min or max over a nullable argument is NULL in a
   * group without a value, which is the cell's identity (±Infinity) everywhere else.
   */
  readonly nullable?: boolean
  /** ClickHouse aggregate over the measure's argument SQL (`null` when the measure has none). */
  sqlAggregate(argSql: string | null): string
  /** The cell's contribution of one event, given the measure's argument value (null: none; its identity). */
  lift(arg: Value | undefined): number
}

export const CELL_IDENTITY: Readonly<Record<CellOp, number>> = { sum: 0, min: Infinity, max: -Infinity }

/** Merges two values of a cell. */
export function combineCell(op: CellOp, a: number, b: number): number {
  return op === 'sum' ? a + b : op === 'min' ? (b < a ? b : a) : b > a ? b : a
}
