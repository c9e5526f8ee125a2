import type { ExprNode } from '../expr/expr-node.ts'
import type { CellSpec } from './cell.ts'

export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg'

/**
 * A measure of a view: a commutative monoid over cells, and how to present the merged state.
 * `R` is the TypeScript type of the finalized value.
 */
export interface Measure<R = number> {
  readonly kind: MeasureKind
  /** The per-event argument (absent for count). */
  readonly arg: ExprNode | null
  readonly cells: readonly CellSpec[]
  /**
   * Turns merged cell values into the answer (e.g. avg = sum / count): this measure's cells are
   * `cells[at]`, `cells[at + 1]`, … (a row's cells hold every measure's, one after the other, and
   * answers read them in place: ordering rows by a measure finalizes it for every row compared).
   */
  finalize(cells: readonly number[], at: number): R
  /** `finalize` in ClickHouse SQL, over the SQL of this measure's cells (the same double: avg is sum / count). */
  finalizeSql(cells: readonly string[]): string
  /** The result's kind, for ClickHouse and GraphQL types. */
  readonly resultType: 'int' | 'float'
  /** Phantom, for type inference only. */
  readonly __result?: R
}
