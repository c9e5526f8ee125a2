import { measureValue, TwinflowError, type PartialRow, type Scalar, type ValueKind, type ViewDef } from '@twinflow/core'
import type { OrderTerm } from './view-query.ts'

/**
 * Compares two scalars of the same column: null first, numbers and times numerically, false < true,
 * strings by code point, which is the order of their UTF-8 bytes: ClickHouse's order of Strings, so
 * that a page ordered by the batch engine and one ordered here agree (JavaScript's `<` compares
 * UTF-16 units, which puts U+10000 and above before U+E000..U+FFFF).
 */
export function compareScalars(a: Scalar | null, b: Scalar | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  if (typeof a === 'string') return compareCodePoints(a, b as string)
  return a < b ? -1 : 1
}

/** Strings in code point order (for valid UTF-16; a lone surrogate sorts as its code unit would after U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (U+D800..U+DFFF, the halves of code points above U+FFFF) move above U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    }
    return x < y ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/**
 * A total order of answer rows: the requested terms, then the window start and the keys (ascending)
 * so that no two rows tie, which is what makes cursors stable. Rows are compared by their sort
 * values (the values of the terms), which is also what a cursor records; they are read from the
 * partial rows, so that only the rows of a page need finalizing.
 */
export class RowOrder {
  readonly terms: readonly OrderTerm[]
  /** The kind of each term's values: `time` for the window start, the key's type, the measure's result type. */
  readonly kinds: readonly ValueKind[]
  /** Whether each term's values can be null (a nullable key or measure). */
  readonly nullable: readonly boolean[]
  readonly #sign: number[]
  /** Reads each term's value from a partial row. */
  readonly #value: ((row: PartialRow) => Scalar | null)[]
  /**
   * When the first term is a measure of one cell (count, sum, min, max), that cell's index (else -1):
   * selecting a page compares every row's first term with the last kept row's, read in place (a
   * number read through the general term readers is boxed: an allocation per row compared).
   */
  readonly #firstCell: number

  constructor(view: ViewDef, requested: readonly OrderTerm[], options: { windowStart: boolean }) {
    // Sketch measures order nothing: quantile values are objects, and a distinct count's estimate
    // has no SQL of the same double (`finalizeSql` null), so the batch engine cannot order by it.
    const orderable = view.measures.filter((m) => m.measure.finalizeSql !== null)
    const columns = new Set([...(options.windowStart ? ['windowStart'] : []), ...view.keys.map((k) => k.name), ...orderable.map((m) => m.name)])
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
    this.kinds = this.terms.map(({ field }): ValueKind => {
      if (field === 'windowStart') return 'time'
      return view.keys.find((k) => k.name === field)?.type ?? (orderable.find((m) => m.name === field)!.measure.resultType as 'int' | 'float')
    })
    this.nullable = this.terms.map(({ field }) => view.keys.find((k) => k.name === field)?.nullable ?? view.measures.find((m) => m.name === field)?.measure.nullable ?? false)
    this.#sign = this.terms.map((t) => (t.direction === 'ASC' ? 1 : -1))
    this.#value = this.terms.map(({ field }): ((row: PartialRow) => Scalar | null) => {
      if (field === 'windowStart') return (row) => row.windowStart
      const key = view.keys.findIndex((k) => k.name === field)
      if (key >= 0) return (row) => row.keys[key]!
      // As finalizeRow computes it, so that a cursor's values are the answer's.
      const measure = orderable.find((m) => m.name === field)!
      return (row) => measureValue(measure, row) as Scalar | null
    })
    const first = orderable.find((m) => m.name === this.terms[0]?.field)
    const op = first?.measure.cells[0]?.op
    this.#firstCell = first && first.measure.cells.length === 1 && (op === 'sum' || op === 'min' || op === 'max') ? first.firstCell : -1
  }

  /** The values of the sort terms of a row, read from its partial form (only the measures ordered by are finalized). */
  valuesOf(row: PartialRow): (Scalar | null)[] {
    return this.#value.map((value) => value(row))
  }

  compareValues(a: readonly (Scalar | null)[], b: readonly (Scalar | null)[]): number {
    for (let i = 0; i < this.#sign.length; i++) {
      const c = compareScalars(a[i]!, b[i]!)
      if (c !== 0) return c * this.#sign[i]!
    }
    return 0
  }

  /** Whether a partial row comes strictly after these sort values (a cursor's). */
  isAfter(row: PartialRow, values: readonly (Scalar | null)[]): boolean {
    return this.#compareRow(row, values) > 0
  }

  /** Compares a partial row with sort values, reading the row's values only as far as needed. */
  #compareRow(row: PartialRow, values: readonly (Scalar | null)[]): number {
    for (let i = 0; i < this.#sign.length; i++) {
      const c = compareScalars(this.#value[i]!(row), values[i]!)
      if (c !== 0) return c * this.#sign[i]!
    }
    return 0
  }

  /**
   * The first `limit` rows in this order of those strictly after `after` (of all rows when null),
   * with their sort values, and how many rows follow `after` in all. A page much smaller than the
   * rows is selected by keeping the best `limit` seen so far (n log limit), not by sorting them all.
   */
  firstAfter(rows: readonly PartialRow[], after: readonly (Scalar | null)[] | null, limit: number): { page: Ranked[]; following: number } {
    const compare = (a: Ranked, b: Ranked) => this.compareValues(a.values, b.values)
    let following = 0
    if (limit * 4 >= rows.length) {
      const ranked: Ranked[] = []
      for (const row of rows) {
        const values = this.valuesOf(row)
        if (after === null || this.compareValues(values, after) > 0) ranked.push({ row, values })
      }
      following = ranked.length
      return { page: ranked.sort(compare).slice(0, limit), following }
    }
    const best: Ranked[] = []
    const cell = this.#firstCell
    const firstSign = this.#sign[0]!
    for (const row of rows) {
      if (after !== null && this.#compareRow(row, after) <= 0) continue
      following++
      // Most rows lose to the last kept one on the first term: compared without taking all their values.
      if (best.length === limit) {
        const last = best[limit - 1]!.values
        if (cell >= 0) {
          const value = row.cells[cell] as number
          const kept = last[0] as number
          const first = (value === kept ? 0 : value < kept ? -1 : 1) * firstSign
          if (first > 0 || (first === 0 && this.#compareRow(row, last) >= 0)) continue
        } else if (this.#compareRow(row, last) >= 0) continue
      }
      const values = this.valuesOf(row)
      // Binary search for the first kept row that comes after this one (the order is total).
      let lo = 0
      let hi = best.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (this.compareValues(best[mid]!.values, values) < 0) lo = mid + 1
        else hi = mid
      }
      best.splice(lo, 0, { row, values })
      if (best.length > limit) best.pop()
    }
    return { page: best, following }
  }
}

/** A row with its sort values. */
export interface Ranked {
  row: PartialRow
  values: (Scalar | null)[]
}
