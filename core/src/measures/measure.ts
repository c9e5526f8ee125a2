import type { ExprNode } from '../expr/expr-node.ts'
import type { CellSpec, CellValue } from './cell.ts'

export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'distinct' | 'quantiles'

/** The answer of a quantiles() measure: one value per quantile, by name (`p50`, `p99_9`); null when it has seen no value. */
export type QuantileValues = Readonly<Record<string, number | null>>

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
  finalize(cells: readonly CellValue[], at: number): R
  /**
   * `finalize` in ClickHouse SQL over the SQL of this measure's cells (the same double: avg is
   * sum / count; NULL where `finalize` gives null), which orders and cuts pages in the batch
   * engine. Null for a measure that cannot order rows or rank groups: a sketch's (distinct,
   * quantiles), whose estimate SQL cannot compute as the same double.
   */
  readonly finalizeSql: ((cells: readonly string[]) => string) | null
  /** The result's kind, for ClickHouse and GraphQL types: a number, or quantile values (an object, not orderable). */
  readonly resultType: 'int' | 'float' | 'quantiles'
  /** Whether the result can be null (a measure over a nullable argument). */
  readonly nullable: boolean
  /** For quantiles(): the quantiles and the names they are answered under. */
  readonly quantiles?: readonly { readonly q: number; readonly name: string }[]
  /** Phantom, for type inference only. */
  readonly __result?: R
}
