import { finalizeRow, TwinflowError, type ViewDef } from '@twinflow/core'
import type { Bucketing } from '../read/batch-part-cache.ts'
import type { AnswerLimits } from './answer-limits.ts'
import type { KeySelection } from '../read/key-selection.ts'
import { checkCount, checkRange } from './check-selection.ts'
import { checkScan } from './check-scan.ts'
import { KeyFilter } from './key-filter.ts'
import { mergeSnapshot } from './merge-snapshot.ts'
import { RowOrder } from './row-order.ts'
import type { AnswerRow, SortDirection, TopAnswer, TopQuery } from './view-query.ts'
import type { ViewSnapshot } from './view-snapshot.ts'

/**
 * A validated top-N query: the view's groups totalled over the whole range (every window merged
 * with the measures' monoids), ranked by one measure, ties broken by the keys.
 */
export class TopPlan {
  /** One bucket for the whole range. */
  readonly bucketing: Bucketing = { key: 'total', of: () => 0 }
  /** The groups the read can be narrowed to (the filtered key with the fewest values). */
  readonly keys: KeySelection | undefined
  readonly direction: SortDirection
  readonly limit: number
  readonly #keys: KeyFilter
  readonly #order: RowOrder

  constructor(
    readonly view: ViewDef,
    readonly query: TopQuery,
    private readonly limits: AnswerLimits,
  ) {
    checkRange(view, query.from, query.to, limits.maxRangeMs)
    if (!view.measures.some((m) => m.name === query.by)) {
      throw new TwinflowError('validation', `view "${view.name}" has no measure "${query.by}"; rank by one of ${view.measures.map((m) => m.name).join(', ')}`)
    }
    this.direction = query.direction ?? 'DESC'
    this.limit = checkCount('limit', query.limit, limits.maxRows)
    const keyFilter = new KeyFilter(view, query.keyFilter)
    this.#keys = keyFilter
    this.keys = keyFilter.narrowest
    this.#order = new RowOrder(view, [{ field: query.by, direction: this.direction }], { windowStart: false })
  }

  answer(snapshot: ViewSnapshot): TopAnswer {
    checkScan(snapshot, this.limits.maxScanRows)
    const totals = mergeSnapshot(this.view, snapshot, this.#keys, this.bucketing.of)
    return {
      view: this.view.name,
      publication: snapshot.publication,
      rows: this.#order.firstAfter(totals, null, this.limit).page.map(({ row }): AnswerRow => {
        const { windowStart: _, ...answer } = finalizeRow(this.view, row)
        return answer
      }),
      from: this.query.from,
      to: this.query.to,
      by: this.query.by,
      direction: this.direction,
    }
  }
}
