import { finalizeRow, type BucketOf, type PartialRow, type Scalar, type ViewDef } from '@twinflow/core'
import type { Bucketing } from '../read/batch-part-cache.ts'
import type { BatchPager } from './batch-pager.ts'
import type { AnswerLimits } from './answer-limits.ts'
import type { KeySelection } from '../read/key-selection.ts'
import { checkCount, checkRange } from './check-selection.ts'
import { checkScan } from './check-scan.ts'
import { decodeCursor, encodeCursor, notACursor, queryFingerprint } from './cursor.ts'
import { EnginePage } from './engine-page.ts'
import { checkGranularity, nextBucketOf, type Granularity } from './granularity.ts'
import { KeyFilter } from './key-filter.ts'
import { mergeSnapshot } from './merge-snapshot.ts'
import { RowOrder } from './row-order.ts'
import { WindowWalk } from './window-walk.ts'
import type { SeriesAnswer, SeriesQuery } from './view-query.ts'
import type { ViewSnapshot } from './view-snapshot.ts'

/** A read of one page of a series: the range, its buckets and groups, and how the batch-only windows are paged. */
export interface PageRead {
  view: string
  from: number
  to: number
  bucket: Bucketing
  keys: KeySelection | undefined
  pager: BatchPager
}

/**
 * A validated time-series query: every argument is checked before anything is read, so a bad
 * argument costs no I/O. `answer` then shapes a snapshot: filter on keys, merge into buckets with
 * the measures' monoids, finalize, order, and cut the page that follows the cursor.
 *
 * The snapshot of `pageRead` holds what the page needs, not the range: the rows of the buckets
 * that only the batch version has come through a pager (`WindowWalk` when the order begins with
 * the window start, `EnginePage`, the batch engine's ordered read, otherwise), and the rest (the
 * bucket that straddles the cutoff, merged from both layers, and the realtime rows) whole. A
 * snapshot of the whole range (no pager) is answered by merging and ordering all of it: the same
 * answer.
 */
export class SeriesPlan {
  readonly granularity: Granularity
  readonly limit: number
  /** The buckets of the answer, for a read that can merge cached batch parts ahead. */
  readonly bucketing: Bucketing
  /** The groups the read can be narrowed to (the filtered key with the fewest values). */
  readonly keys: KeySelection | undefined
  readonly #bucket: BucketOf
  readonly #keys: KeyFilter
  readonly #order: RowOrder
  readonly #fingerprint: string
  readonly #after: (Scalar | null)[] | null

  constructor(
    readonly view: ViewDef,
    readonly query: SeriesQuery,
    private readonly limits: AnswerLimits,
  ) {
    checkRange(view, query.from, query.to, limits.maxRangeMs)
    this.granularity = query.granularity ?? view.window
    this.#bucket = checkGranularity(view, this.granularity)
    this.bucketing = { key: this.granularity, of: this.#bucket }
    const keyFilter = new KeyFilter(view, query.keyFilter)
    this.#keys = keyFilter
    this.keys = keyFilter.narrowest
    this.#order = new RowOrder(view, query.orderBy ?? [], { windowStart: true })
    this.limit = checkCount('limit', query.limit ?? limits.defaultRows, limits.maxRows)
    const filter = Object.entries(query.keyFilter ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
    this.#fingerprint = queryFingerprint([view.name, query.from, query.to, this.granularity, filter, this.#order.terms])
    this.#after = query.after ? this.#decodeCursor(query.after) : null
  }

  /** The cursor's sort values, of the kinds of the terms; its window start must be a bucket start (as every row's is). */
  #decodeCursor(cursor: string): (Scalar | null)[] {
    const values = decodeCursor(cursor, this.#fingerprint, this.#order.kinds, this.#order.nullable)
    const windowStart = values[this.#order.terms.findIndex((t) => t.field === 'windowStart')] as number
    if (this.#bucket(windowStart) !== windowStart) throw notACursor()
    return values
  }

  /**
   * The read of this page: `count` when the answer's totalCount is asked for; `signal` aborts the
   * reads not started yet (the request's deadline, its client gone).
   */
  pageRead(options: { count: boolean; signal?: AbortSignal }): PageRead {
    const spec = {
      view: this.view,
      order: this.#order,
      keys: this.#keys,
      bucket: this.granularity,
      bucketOf: this.#bucket,
      nextBucket: nextBucketOf(this.granularity),
      after: this.#after,
      rows: this.limit + 1,
      count: options.count,
      maxScanRows: this.limits.maxScanRows,
      signal: options.signal,
    }
    const pager = this.#order.terms[0]!.field === 'windowStart' ? new WindowWalk(spec) : new EnginePage(spec)
    return { view: this.view.name, from: this.query.from, to: this.query.to, bucket: this.bucketing, keys: this.keys, pager }
  }

  answer(snapshot: ViewSnapshot): SeriesAnswer {
    checkScan(snapshot, this.limits.maxScanRows)
    const rest = mergeSnapshot(this.view, snapshot, this.#keys, this.#bucket)
    const { share } = snapshot
    let rows: readonly PartialRow[] = rest
    if (share && share.rows.length > 0) rows = rest.length > 0 ? [...share.rows, ...rest] : share.rows
    const { page, following } = this.#order.firstAfter(rows, this.#after, this.limit)
    const last = page[page.length - 1]
    return {
      view: this.view.name,
      publication: snapshot.publication,
      rows: page.map(({ row }) => finalizeRow(this.view, row)),
      totalCount: !share ? rest.length : share.count === null ? null : share.count + rest.length,
      pageInfo: {
        hasNextPage: following > page.length,
        endCursor: last ? encodeCursor(this.#fingerprint, last.values) : (this.query.after ?? null),
      },
      granularity: this.granularity,
    }
  }
}
