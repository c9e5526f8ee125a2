import type { ExprNode } from '../expr/expr-node.ts'
import type { CellSpec } from './cell.ts'

export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg'

/**
 * A measure of a view: a commutative monoid over cells, and how to present the merged state.
 * `R` is the TypeScript type of the finalized value. Measures skip null arguments, as SQL's
 * aggregates do; a measure that has seen no value (all its arguments were null) is null.
 */
export interface Measure<R = number | null> {
  readonly kind: MeasureKind
  /** The per-event argument (absent for count()). */
  readonly arg: ExprNode | null
  readonly cells: readonly CellSpec[]
  /**
   * Turns merged cell values into the answer (e.g. avg = sum / count): this measure's cells are
   * `cells[at]`, `cells[at + 1]`, … (a row's cells hold every measure's, one after the other, and
   * answers read them in place: ordering rows by a measure finalizes it for every row compared).
   */
  finalize(cells: readonly number[], at: number): R
  /** The result's kind, for ClickHouse and GraphQL types. */
  readonly resultType: 'int' | 'float'
  /** Whether the result can be null (a measure over a nullable argument). */
  readonly nullable: boolean
  /** Phantom, for type inference only. */
  readonly __result?: R
}
