import { emptyCells, mergeCells, TwinflowError, type BucketOf, type CellValue, type Scalar, type ViewDef, type ViewMeasure } from '@twinflow/core'
import type { Bucketing } from '../read/batch-part-cache.ts'
import type { KeySelection } from '../read/key-selection.ts'
import type { AnswerLimits } from './answer-limits.ts'
import { checkCount, checkRange } from './check-selection.ts'
import { checkScan } from './check-scan.ts'
import { checkGranularity, type Granularity } from './granularity.ts'
import { KeyFilter } from './key-filter.ts'
import { mergeSnapshot } from './merge-snapshot.ts'
import { compareScalars } from './row-order.ts'
import type { SortDirection, SplitAnswer, SplitQuery, SplitSeries } from './view-query.ts'
import type { ViewSnapshot } from './view-snapshot.ts'

/** Most groups a split charts on their own (a chart of more lines is unreadable). */
export const MAX_SPLIT_TOP = 100

interface Group {
  keys: (Scalar | null)[]
  total: CellValue[]
  /** Cells per bucket start. */
  buckets: Map<number, CellValue[]>
}

/**
 * A validated split: the series of a view merged into buckets and into the groups of the `splitBy`
 * keys, ranked by the measure's total over the range (every bucket merged with the measure's
 * monoid, so an average is the average of all the events, not of the buckets), ties broken by the
 * keys ascending; the first `top` groups are kept and the rest merged into `other`, bucket by
 * bucket, with the same monoids.
 */
export class SplitPlan {
  readonly granularity: Granularity
  readonly bucketing: Bucketing
  readonly keys: KeySelection | undefined
  readonly splitBy: readonly string[]
  readonly top: number
  readonly direction: SortDirection
  readonly #measure: ViewMeasure
  readonly #bucket: BucketOf
  readonly #keyFilter: KeyFilter
  readonly #splitIndexes: number[]

  constructor(
    readonly view: ViewDef,
    readonly query: SplitQuery,
    private readonly limits: AnswerLimits,
  ) {
    checkRange(view, query.from, query.to, limits.maxRangeMs)
    this.granularity = query.granularity ?? view.window
    this.#bucket = checkGranularity(view, this.granularity)
    this.bucketing = { key: this.granularity, of: this.#bucket }
    const measure = view.measures.find((m) => m.name === query.measure)
    // A sketch measure (distinct, quantiles) ranks nothing, as in an order (RowOrder).
    const chartable = view.measures.filter((m) => m.measure.finalizeSql !== null)
    const oneOf = `chart one of ${chartable.map((m) => m.name).join(', ')}`
    if (!measure) throw new TwinflowError('validation', `view "${view.name}" has no measure "${query.measure}"; ${oneOf}`)
    if (measure.measure.finalizeSql === null)
      throw new TwinflowError('validation', `measure "${query.measure}" of view "${view.name}" is a ${measure.measure.kind}() sketch, which ranks nothing; ${oneOf}`)
    this.#measure = measure
    this.splitBy = query.splitBy ?? view.keys.map((k) => k.name)
    this.#splitIndexes = this.splitBy.map((name) => {
      const index = view.keys.findIndex((k) => k.name === name)
      if (index < 0) throw new TwinflowError('validation', `view "${view.name}" has no key "${name}" to split by; its keys: ${view.keys.map((k) => k.name).join(', ') || 'none'}`)
      return index
    })
    if (new Set(this.splitBy).size !== this.splitBy.length) throw new TwinflowError('validation', `splitBy names a key twice: ${this.splitBy.join(', ')}`)
    this.top = checkCount('top', query.top, MAX_SPLIT_TOP)
    this.direction = query.direction ?? 'DESC'
    this.#keyFilter = new KeyFilter(view, query.keyFilter)
    this.keys = this.#keyFilter.narrowest
  }

  answer(snapshot: ViewSnapshot): SplitAnswer {
    checkScan(snapshot, this.limits.maxScanRows)
    const view = this.view
    const rows = mergeSnapshot(view, snapshot, this.#keyFilter, this.#bucket)
    const groups = new Map<string, Group>()
    const windows = new Set<number>()
    for (const row of rows) {
      const keys = this.#splitIndexes.map((i) => row.keys[i]!)
      const id = JSON.stringify(keys)
      let group = groups.get(id)
      if (!group) groups.set(id, (group = { keys, total: emptyCells(view), buckets: new Map() }))
      mergeCells(view, group.total, row.cells)
      let cells = group.buckets.get(row.windowStart)
      if (!cells) group.buckets.set(row.windowStart, (cells = emptyCells(view)))
      mergeCells(view, cells, row.cells)
      windows.add(row.windowStart)
    }
    const ranked = [...groups.values()].sort(this.#rank)
    const kept = ranked.slice(0, this.top)
    const rest = ranked.slice(this.top)
    const sortedWindows = [...windows].sort((a, b) => a - b)
    const series: SplitSeries[] = kept.map((g) => this.#series(g, false, sortedWindows))
    if (rest.length > 0) {
      const other: Group = { keys: [], total: emptyCells(view), buckets: new Map() }
      for (const g of rest) {
        mergeCells(view, other.total, g.total)
        for (const [start, cells] of g.buckets) {
          let into = other.buckets.get(start)
          if (!into) other.buckets.set(start, (into = emptyCells(view)))
          mergeCells(view, into, cells)
        }
      }
      series.push(this.#series(other, true, sortedWindows))
    }
    return {
      view: view.name,
      publication: snapshot.publication,
      granularity: this.granularity,
      measure: this.#measure.name,
      splitBy: this.splitBy,
      windows: sortedWindows,
      series,
      groupCount: groups.size,
    }
  }

  #value(cells: readonly CellValue[]): Scalar | null {
    return this.#measure.measure.finalize(cells, this.#measure.firstCell)
  }

  #series(group: Group, other: boolean, windows: readonly number[]): SplitSeries {
    const keys: Record<string, Scalar | null> = {}
    if (!other) this.splitBy.forEach((name, i) => (keys[name] = group.keys[i]!))
    return {
      keys,
      other,
      total: this.#value(group.total),
      values: windows.map((start) => {
        const cells = group.buckets.get(start)
        return cells ? this.#value(cells) : null
      }),
    }
  }

  readonly #rank = (a: Group, b: Group): number => {
    const byTotal = compareScalars(this.#value(a.total), this.#value(b.total))
    if (byTotal !== 0) return this.direction === 'DESC' ? -byTotal : byTotal
    for (let i = 0; i < a.keys.length; i++) {
      const byKey = compareScalars(a.keys[i]!, b.keys[i]!)
      if (byKey !== 0) return byKey
    }
    return 0
  }
}
