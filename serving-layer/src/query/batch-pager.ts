import type { PageSelection, PartialRow, ViewDef, WindowSelection } from '@twinflow/core'
import type { ViewSnapshot } from './view-snapshot.ts'

/**
 * What a page read takes from the windows of a batch version whose buckets hold batch rows only
 * (`PagerSource.from` to `to`): every row of them after the cursor that can be in the page,
 * merged into the buckets and filtered on keys. With the rows after `to` (the straddling bucket
 * and the realtime rows), they hold the page and the row after it: the first `limit + 1` rows of
 * the answer after the cursor are among them, and the rows they hold after the cursor are that
 * many at least (or all there are).
 */
export interface BatchShare {
  rows: readonly PartialRow[]
  /** The rows of those windows once merged into the buckets, when the answer's totalCount is asked for. */
  count: number | null
  /** Partial rows read (toward serving.limits.maxScanRows). */
  scanned: number
}

/** The snapshot's part after the batch-only windows: the straddling bucket's batch rows (merged) and the realtime rows. */
export type RestOfPage = Pick<ViewSnapshot, 'merged' | 'rows'>

/** The batch-only windows of a page read, at the version the read is made at (a read that is retried asks again). */
export interface PagerSource {
  view: ViewDef
  version: number
  /** The batch-only windows: from <= windowStart < to (to is the first window of the straddling bucket, or the cutoff). */
  from: number
  to: number
  /** The read's rows from `to` on (the straddling bucket's batch rows and the realtime rows), once read. */
  rest: Promise<RestOfPage>
  /**
   * Rows of windows [from, to) through the cache of batch chunks (chunks inside merged into the
   * read's buckets, the read's groups only), not merged across chunks: a chunk not cached is read
   * whole from the engine, a part of a cached one costs its rows.
   */
  rows(from: number, to: number): Promise<PartialRow[]>
  /** `BatchEngine.readPage` at this version. */
  readPage(page: PageSelection): Promise<PartialRow[]>
  /** `BatchEngine.countRows` at this version, kept by the cache. */
  countRows(selection: WindowSelection): Promise<number>
}

/** How a page read takes its share of the batch-only windows. `key` is the same for reads that take the same share. */
export interface BatchPager {
  readonly key: string
  /** The share when the read has no batch-only windows (no publication, or none of its buckets is the batch's alone). */
  readonly none: BatchShare
  read(source: PagerSource): Promise<BatchShare>
}
