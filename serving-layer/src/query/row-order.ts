import { TwinflowError, type Scalar, type ViewDef } from '@twinflow/core'
import type { AnswerRow, OrderTerm } from './view-query'

/** Compares two scalars of the same column: numbers and times numerically, strings by code unit, false < true. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

/**
 * A total order of answer rows: the requested terms, then the window start and the keys (ascending)
 * so that no two rows tie, which is what makes cursors stable. Rows are compared by their sort
 * values (the values of the terms), which is also what a cursor records.
 */
export class RowOrder {
  readonly terms: readonly OrderTerm[]
  readonly #sign: number[]

  constructor(view: ViewDef, requested: readonly OrderTerm[], options: { windowStart: boolean }) {
    const columns = new Set([...(options.windowStart ? ['windowStart'] : []), ...view.keys.map((k) => k.name), ...view.measures.map((m) => m.name)])
    const seen = new Set<string>()
    for (const term of requested) {
      if (!columns.has(term.field)) {
        throw new TwinflowError('validation', `cannot order view "${view.name}" by "${term.field}"; order by one of ${[...columns].join(', ')}`)
      }
      if (seen.has(term.field)) throw new TwinflowError('validation', `orderBy names "${term.field}" twice`)
      if (term.direction !== 'ASC' && term.direction !== 'DESC') throw new TwinflowError('validation', `direction must be ASC or DESC, got ${JSON.stringify(term.direction)}`)
      seen.add(term.field)
    }
    const tieBreakers = [...(options.windowStart ? ['windowStart'] : []), ...view.keys.map((k) => k.name)]
      .filter((field) => !seen.has(field))
      .map((field): OrderTerm => ({ field, direction: 'ASC' }))
    this.terms = [...requested, ...tieBreakers]
    this.#sign = this.terms.map((t) => (t.direction === 'ASC' ? 1 : -1))
  }

  /** The row's values of the sort terms. */
  valuesOf(row: AnswerRow): Scalar[] {
    return this.terms.map((t) => row[t.field]!)
  }

  compareValues(a: readonly Scalar[], b: readonly Scalar[]): number {
    for (let i = 0; i < this.#sign.length; i++) {
      const c = compareScalars(a[i]!, b[i]!)
      if (c !== 0) return c * this.#sign[i]!
    }
    return 0
  }

  /** Sorts rows in place and returns them. */
  sort(rows: AnswerRow[]): AnswerRow[] {
    const keyed = rows.map((row) => ({ row, values: this.valuesOf(row) }))
    keyed.sort((a, b) => this.compareValues(a.values, b.values))
    for (let i = 0; i < keyed.length; i++) rows[i] = keyed[i]!.row
    return rows
  }
}
