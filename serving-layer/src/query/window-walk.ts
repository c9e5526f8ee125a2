import { mergeRows, type PartialRow } from '@twinflow/core'
import type { BatchPager, BatchShare, PagerSource } from './batch-pager.ts'
import { checkScanned } from './check-scan.ts'
import { mergeSnapshot } from './merge-snapshot.ts'
import { pageKey, selectionOf, type PageSpec } from './page-spec.ts'

/** Margin on the windows a walk estimates it still needs (rows per window vary). */
const ESTIMATE_MARGIN = 1.25

/**
 * The pager of an order that begins with the window start: walks the batch-only windows from the
 * cursor's bucket in the order's direction, through the cache of batch chunks, and stops once the
 * buckets read whole hold the rows the page needs after the cursor. Rows of the same bucket are
 * ordered by the other terms, so a bucket counts only once all its windows are read; a bucket
 * comes whole before the next. What a page costs is its buckets' windows (rows: keys × windows),
 * whatever the length of the range.
 *
 * The first step reads the first bucket; each next one the windows the rows found so far say are
 * still needed (a quarter more), or as many as read so far when none was found (the walk doubles),
 * so a page takes few steps however sparse its rows. The cache reads whole chunks from the batch
 * engine (a step within a chunk read before reads nothing), and a step costs its windows' rows.
 * Descending, the rows from the batch-only windows' end on (the straddling bucket, the realtime
 * rows) come first: the walk needs only the rows they leave, and reads nothing when they fill the
 * page.
 */
export class WindowWalk implements BatchPager {
  readonly key: string
  readonly none: BatchShare

  constructor(private readonly spec: PageSpec) {
    this.none = { rows: [], count: spec.count ? 0 : null, scanned: 0 }
    this.key = `walk\u0000${pageKey(spec)}`
  }

  async read(source: PagerSource): Promise<BatchShare> {
    const { spec } = this
    const counting = spec.count ? source.countRows(selectionOf(spec, source.from, source.to)) : null
    const [walked, count] = await Promise.all([this.#walk(source), counting])
    return { ...walked, count }
  }

  async #walk(source: PagerSource): Promise<Omit<BatchShare, 'count'>> {
    const { view, order, keys, bucket, bucketOf, nextBucket, after, maxScanRows, signal } = this.spec
    const descending = order.terms[0]!.direction === 'DESC'
    const cursor = after === null ? null : (after[0] as number)
    let need = this.spec.rows
    if (descending) {
      // The rest comes first: only the rows it leaves are needed.
      const rest = mergeSnapshot(view, await source.rest, keys, bucketOf)
      for (const row of rest) if (after === null || order.isAfter(row, after)) need--
      if (need <= 0) return { rows: [], scanned: 0 }
    }
    // The windows to walk: from the cursor's bucket (a bucket start) on, in the order's direction.
    const lo = !descending && cursor !== null ? Math.max(source.from, cursor) : source.from
    const hi = descending && cursor !== null ? Math.min(source.to, nextBucket(cursor)) : source.to
    if (lo >= hi) return { rows: [], scanned: 0 }
    // Windows read so far: [lo, end) ascending, [start, hi) descending. The first step is the
    // first bucket; the next ones as far as the rows found so far say is needed.
    let start = hi
    let end = lo
    let step = 0
    const read: PartialRow[] = []
    for (;;) {
      signal?.throwIfAborted()
      if (descending) {
        const next = Math.max(lo, step === 0 ? bucketOf(hi - 1) : start - step)
        for (const row of await source.rows(next, start)) read.push(row)
        start = next
      } else {
        const next = Math.min(hi, step === 0 ? nextBucket(bucketOf(lo)) : end + step)
        for (const row of await source.rows(end, next)) read.push(row)
        end = next
      }
      checkScanned(view.name, read.length, maxScanRows)
      const done = descending ? start <= lo : end >= hi
      // A bucket is whole once every window of it in the range is read.
      const whole = done ? () => true : descending ? (row: PartialRow) => row.windowStart >= start : (row: PartialRow) => row.windowStart < bucketOf(end)
      const found: PartialRow[] = []
      // At the view's window the rows read are the answer's already (one per window and group).
      for (const row of bucket === view.window ? keys.select(read) : mergeRows(view, keys.select(read), bucketOf)) {
        if (whole(row) && (after === null || order.isAfter(row, after))) found.push(row)
      }
      if (done || found.length >= need) return { rows: found, scanned: read.length }
      const walked = descending ? hi - start : end - lo
      // Rounded up to whole windows (a step of less than one reads nothing).
      const more = found.length === 0 ? walked : ((need - found.length) / found.length) * walked * ESTIMATE_MARGIN
      step = Math.max(view.windowMs, Math.ceil(more / view.windowMs) * view.windowMs)
    }
  }
}
