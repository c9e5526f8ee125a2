import { LRUCache } from 'lru-cache'
import {
  TwinflowError,
  type BatchEngine,
  type MarkedWindows,
  type MergedRows,
  type PartialRow,
  type Pipeline,
  type Publication,
  type RealtimeStore,
  type ViewDef,
} from '@twinflow/core'
import type { BatchPager, BatchShare, PagerSource, RestOfPage } from '../query/batch-pager.ts'
import type { ViewSnapshot } from '../query/view-snapshot.ts'
import type { BatchPartCache, Bucketing, ChunkedRange, TimeRange } from './batch-part-cache.ts'
import { FreshLookup } from './fresh-lookup.ts'
import { selects, type KeySelection } from './key-selection.ts'
import { PublicationTracker } from './publication-tracker.ts'

/** A read of the windows of one view with from <= windowStart < to. */
export interface RangeRead {
  view: string
  from: number
  to: number
  /** The buckets the rows will be merged into: batch rows may come already merged into them. */
  bucket?: Bucketing
  /** The groups wanted: the rows of other groups are left out. */
  keys?: KeySelection
  /**
   * A page read (with `bucket`): the windows whose buckets only the batch version holds are not
   * read whole but through the pager (its `share` of the snapshot); the snapshot's rows are the
   * rest of the range, the bucket that straddles the cutoff (its batch part) and the realtime rows.
   */
  pager?: BatchPager
}

export interface ViewReaderOptions {
  /** Attempts when a batch publish races with the read. @default 5 */
  maxAttempts?: number
  /** Called when a read is retried because the view was republished meanwhile. */
  onRetry?: (view: string) => void
  /**
   * No answer comes from a publication older than one published this long before its request:
   * the served publication is looked up again when its last lookup started longer ago than that
   * (in the background from half of it on). @default 1000
   */
  publicationMaxAgeMs?: number
}

/**
 * Reads views at the time boundary: windows before the published cutoff from the batch version
 * (through the cache of immutable versions), windows from the cutoff on from the realtime store.
 *
 * `readMany` serves every read of one request together: per view, one batch read (for the chunks
 * not cached) and one realtime read, over the span of all its reads.
 *
 * The boundary check: a read starts from the last publication seen (P) and reads the realtime
 * store's cutoff mark with the realtime windows, in the same step (`readMarkedWindows`; a read
 * with no realtime range reads the mark after its batch data). The speed
 * layer marks a new cutoff before it stops applying events below it and before it drops windows
 * below it, so if the mark is still at or below P's cutoff, the realtime windows from P's cutoff
 * on were complete and all there during the read; a batch version is immutable, and a read of a
 * dropped one fails. Otherwise (or on a failure) the publication is looked up in the batch engine
 * and the read is done again at the newer one. A snapshot never has a gap or a double count at the
 * boundary; the check costs no round trip of its own (a second one, after the windows, doubled the
 * wait of requests that queue behind shared reads), and no query to the batch engine, which is
 * asked about at most twice a second per view under load, and at least once a second before an
 * answer after an idle spell (PublicationTracker).
 *
 * A page read (`pager`) reads the windows whose buckets only the batch version holds through its
 * pager, at the same publication and inside the same check (a retry pages again at the newer one):
 * the batch engine's ordered page, or a walk through the cached chunks. The bucket that straddles
 * the cutoff (at a granularity coarser than the view's window) is read whole from both layers.
 *
 * Realtime reads of the same view and range by concurrent requests share one read that started
 * after each of them arrived (FreshLookup): an answer is never older than its request. The rows
 * of a read, like those of the batch cache, are shared by the requests and never modified.
 * A realtime read names the version of the last read of its range (kept for the ranges read
 * lately): when the view's windows have not changed since, the store answers "unchanged" with
 * the mark alone, and that read's rows are the answer (no rows sent, decoded or allocated again).
 */
/** Realtime rows the last reads kept for conditional reads hold at most (all ranges together). */
const LAST_WINDOWS_MAX_ROWS = 500_000

export class ViewReader {
  readonly #publications: PublicationTracker
  readonly #marks: FreshLookup<number | null>
  /** Realtime windows and mark by view and range: concurrent requests for the same range share one read. */
  readonly #windows: FreshLookup<MarkedWindows>
  /**
   * The last versioned realtime read per view and range end lately read, with the start it was read
   * from, for conditional reads. One per (view, end): a realtime range starts at the cutoff, so each
   * batch run starts it anew, and a read from an older start is never asked for again. Bounded by
   * entries and by the rows they hold.
   */
  readonly #lastWindows = new LRUCache<string, { from: string; read: MarkedWindows }>({
    max: 256,
    maxSize: LAST_WINDOWS_MAX_ROWS,
    sizeCalculation: (last) => last.read.rows.length + 1,
  })

  constructor(
    private readonly pipeline: Pipeline,
    private readonly batch: BatchEngine,
    realtime: RealtimeStore,
    private readonly cache: BatchPartCache,
    private readonly options: ViewReaderOptions = {},
  ) {
    this.#publications = new PublicationTracker(batch, { maxAgeMs: options.publicationMaxAgeMs })
    this.#marks = new FreshLookup((view) => realtime.markedCutoff(view))
    this.#windows = new FreshLookup(async (key) => {
      const [view, from, to] = key.split('\u0000') as [string, string, string]
      const lastKey = `${view}\u0000${to}`
      const held = this.#lastWindows.get(lastKey)
      const last = held?.from === from ? held.read : undefined
      const read = await realtime.readMarkedWindows(view, Number(from), Number(to), last?.version ?? null)
      // "unchanged" only ever answers a read that named a version: the last read's.
      if (read.unchanged && last) return { ...read, rows: last.rows }
      if (read.version !== null) this.#lastWindows.set(lastKey, { from, read })
      else this.#lastWindows.delete(lastKey)
      return read
    })
  }

  async readMany(reads: readonly RangeRead[]): Promise<ViewSnapshot[]> {
    const byView = new Map<string, number[]>()
    reads.forEach((read, i) => {
      const indexes = byView.get(read.view) ?? []
      indexes.push(i)
      byView.set(read.view, indexes)
    })
    const out = new Array<ViewSnapshot>(reads.length)
    await Promise.all(
      [...byView].map(async ([name, indexes]) => {
        const view = this.pipeline.view(name)
        const snapshots = await this.#readView(
          view,
          indexes.map((i) => reads[i]!),
        )
        indexes.forEach((readIndex, j) => (out[readIndex] = snapshots[j]!))
      }),
    )
    return out
  }

  async #readView(view: ViewDef, reads: readonly RangeRead[]): Promise<ViewSnapshot[]> {
    const maxAttempts = this.options.maxAttempts ?? 5
    let publication = await this.#publications.known(view.name)
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let parts: Parts | null = null
      let failure: unknown = null
      try {
        parts = await this.#readParts(view, publication, reads)
      } catch (error) {
        failure = error
      }
      if (parts !== null) {
        const marked = parts.marked !== undefined ? parts.marked : await this.#marks.get(view.name)
        if (marked === null || marked <= (publication?.cutoff ?? -Infinity)) {
          const { merged, rows, shares } = parts
          return reads.map((read, i) => ({ view: view.name, from: read.from, to: read.to, publication, merged: merged[i]!, rows: rows[i]!, share: shares[i] }))
        }
      }
      const after = await this.#publications.fresh(view.name)
      // A failed read at an unchanged publication is a real failure (not a dropped version).
      if (failure !== null && sameVersion(after, publication)) throw failure
      this.options.onRetry?.(view.name)
      publication = after
    }
    throw new TwinflowError('unavailable', `view "${view.name}" was republished during ${maxAttempts} reads in a row; retry`, { context: { view: view.name } })
  }

  /** The rows of each read, the share of each page read, and the cutoff mark read with the realtime windows (undefined: no realtime range was read). */
  async #readParts(view: ViewDef, publication: Publication | null, reads: readonly RangeRead[]): Promise<Parts> {
    const cutoff = publication?.cutoff ?? -Infinity
    // Where each read's windows stop being batch-only: a page read reads those through its pager.
    const splits = reads.map((r) => (r.pager ? batchOnlyEnd(r, cutoff) : r.from))
    const batchRanges: (ChunkedRange | null)[] = reads.map((r, i) =>
      publication && splits[i]! < Math.min(r.to, cutoff) ? { from: splits[i]!, to: Math.min(r.to, cutoff), bucket: r.bucket, keys: r.keys } : null,
    )
    const realtimeRanges: (TimeRange | null)[] = reads.map((r) => (r.to > cutoff ? [Math.max(r.from, cutoff), r.to] : null))
    const wantedBatch = batchRanges.filter((r): r is ChunkedRange => r !== null)
    const wantedRealtime = realtimeRanges.filter((r): r is TimeRange => r !== null)
    const rowsRead = Promise.all([
      publication && wantedBatch.length > 0 ? this.cache.read(this.batch, view, publication.version, wantedBatch) : [],
      wantedRealtime.length > 0
        ? this.#windows.get(`${view.name}\u0000${Math.min(...wantedRealtime.map((r) => r[0]))}\u0000${Math.max(...wantedRealtime.map((r) => r[1]))}`)
        : undefined,
    ]).then(([batchParts, realtime]) => {
      const realtimeRows = realtime?.rows ?? []
      let nextBatch = 0
      const merged: (MergedRows | null)[] = []
      const perRead = reads.map(({ keys }, i) => {
        const batch = batchRanges[i] ? batchParts[nextBatch++]! : null
        merged.push(batch?.merged ?? null)
        const range = realtimeRanges[i]
        const fresh = range ? realtimeOf(realtimeRows, range, keys) : []
        if (!batch?.rows) return fresh
        // Unmerged batch rows come in an array made for this read.
        for (const row of fresh) batch.rows.push(row)
        return batch.rows
      })
      return { merged, rows: perRead, marked: realtime?.markedCutoff }
    })
    const shares = reads.map((read, i): Promise<BatchShare | undefined> => {
      if (!read.pager) return Promise.resolve(undefined)
      if (!publication || splits[i]! <= read.from) return Promise.resolve(read.pager.none)
      const rest = rowsRead.then((parts): RestOfPage => ({ merged: parts.merged[i]!, rows: parts.rows[i]! }))
      rest.catch(() => {}) // a pager need not wait for the rest; its failure is the read's
      return read.pager.read(this.#pagerSource(view, publication.version, read, splits[i]!, rest))
    })
    const [parts, ...paged] = await Promise.allSettled([rowsRead, ...shares])
    for (const outcome of [parts, ...paged]) if (outcome!.status === 'rejected') throw outcome!.reason
    const { merged, rows, marked } = (parts as PromiseFulfilledResult<Awaited<typeof rowsRead>>).value
    return { merged, rows, marked, shares: paged.map((p) => (p as PromiseFulfilledResult<BatchShare | undefined>).value) }
  }

  #pagerSource(view: ViewDef, version: number, read: RangeRead, to: number, rest: Promise<RestOfPage>): PagerSource {
    return {
      view,
      version,
      from: read.from,
      to,
      rest,
      rows: (from, until) => this.cache.rows(this.batch, view, version, { from, to: until, bucket: read.bucket, keys: read.keys }),
      readPage: (page) => this.batch.readPage(view.name, version, page),
      countRows: (selection) => this.cache.count(this.batch, view, version, selection),
    }
  }
}

/** Per read: its batch rows merged into its buckets (if it named them), its other rows, its pager's share; and the realtime store's cutoff mark. */
interface Parts {
  merged: (MergedRows | null)[]
  rows: (readonly PartialRow[])[]
  shares: (BatchShare | undefined)[]
  marked: number | null | undefined
}

/**
 * The end of a page read's batch-only windows: the cutoff, or the start of the bucket that
 * straddles it (a bucket with windows on both sides is read whole from both layers), within the
 * read's range. At or below `from`: the read has none.
 */
function batchOnlyEnd(read: RangeRead, cutoff: number): number {
  const batchEnd = Math.min(read.to, cutoff)
  if (batchEnd <= read.from) return read.from
  const straddling = cutoff < read.to && read.bucket ? read.bucket.of(cutoff) : batchEnd
  return Math.max(read.from, Math.min(batchEnd, straddling))
}

/** The realtime rows of a read's range and groups: the shared read's own rows when it wants them all (as a series of the whole day does), unchanged. */
function realtimeOf(rows: readonly PartialRow[], [from, to]: TimeRange, keys: KeySelection | undefined): readonly PartialRow[] {
  const wanted = (row: PartialRow) => row.windowStart >= from && row.windowStart < to && (!keys || selects(keys, row))
  return rows.every(wanted) ? rows : rows.filter(wanted)
}

function sameVersion(a: Publication | null, b: Publication | null): boolean {
  return (a?.version ?? null) === (b?.version ?? null)
}
