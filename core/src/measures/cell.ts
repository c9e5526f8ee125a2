import type { Value } from '../expr/compile-call.ts'
import { mergeBuckets } from '../sketch/merge-buckets.ts'
import { mergeRegisters } from '../sketch/merge-registers.ts'

/**
 * A measure's state is a fixed list of cells, each merged by one commutative, associative
 * operation with an identity. Numeric cells merge by sum, min or max, which exist alike in
 * JavaScript, in ClickHouse and in a Redis Lua script. Sketch cells are lists of integers in a
 * canonical form (ascending, one entry per slot): `registers`, a HyperLogLog (`index * 64 + rank`
 * per register set, merged by the higher rank), and `buckets`, a quantile sketch (flat
 * [key, count, ...], merged by adding counts). The batch layer builds the very same lists in SQL,
 * the speed layer in JavaScript, and every layer merges partial results with one rule.
 */
export type CellOp = 'sum' | 'min' | 'max' | 'registers' | 'buckets'

/** A cell's state: a number, or a sketch's canonical list. */
export type CellValue = number | readonly number[]

export interface CellSpec {
  /** Column / hash-field suffix, e.g. `sum` or `count`. */
  readonly name: string
  readonly op: CellOp
  /** Whether the cell holds an integer (ClickHouse Int64/UInt64) or a double (sketches: integers). */
  readonly numeric: 'int' | 'float'
  /**
   * The cell's ClickHouse column is Nullable: a min or max over a nullable argument is NULL in a
   * group without a value, which is the cell's identity (±Infinity) everywhere else.
   */
  readonly nullable?: boolean
  /** A sketch cell's ClickHouse column type (numeric cells: Int64 or Float64 by `numeric`). */
  readonly columnType?: string
  /** A `registers` cell's precision (2^precision registers), or a `buckets` cell's bits per power of two. */
  readonly precision?: number
  /** ClickHouse aggregate over the measure's argument SQL (`null` when the measure has none): the cell's state in its column's type. */
  sqlAggregate(argSql: string | null): string
  /**
   * The cell's contribution of one event, given the measure's argument value (null: none): a
   * number, or for a sketch the one register (0: none) or bucket key (NO_BUCKET: none) it adds.
   */
  lift(arg: Value | undefined): number
}

const EMPTY: readonly number[] = Object.freeze([])

/** A cell's identity: 0, +Infinity, -Infinity, or an empty sketch. */
export function cellIdentity(op: CellOp): CellValue {
  return op === 'sum' ? 0 : op === 'min' ? Infinity : op === 'max' ? -Infinity : EMPTY
}

/** The identities of the numeric cells (`cellIdentity` knows sketches too). */
export const CELL_IDENTITY: Readonly<Record<'sum' | 'min' | 'max', number>> = { sum: 0, min: Infinity, max: -Infinity }

/** Merges two values of a cell (a new value; sketches are never changed in place). */
export function combineCell(op: CellOp, a: CellValue, b: CellValue): CellValue {
  switch (op) {
    case 'sum':
      return (a as number) + (b as number)
    case 'min':
      return (b as number) < (a as number) ? b : a
    case 'max':
      return (b as number) > (a as number) ? b : a
    case 'registers':
      return mergeRegisters(a as readonly number[], b as readonly number[])
    case 'buckets':
      return mergeBuckets(a as readonly number[], b as readonly number[])
  }
}
