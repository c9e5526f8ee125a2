import type { BatchPager, BatchShare, PagerSource } from './batch-pager.ts'
import { pageKey, selectionOf, type PageSpec } from './page-spec.ts'

/**
 * The pager of an order that begins with a key or a measure: the batch engine orders the
 * batch-only windows' rows (merged into the buckets, filtered on keys) and returns the first
 * `limit + 1` after the cursor, in one read (`BatchEngine.readPage`): what a page costs is the
 * engine's scan of the range and the transfer of the page, not the range's rows. The rows the
 * engine leaves out come after those it returns, so with the rest (merged here) they hold the page.
 */
export class EnginePage implements BatchPager {
  readonly key: string
  readonly none: BatchShare

  constructor(private readonly spec: PageSpec) {
    this.none = { rows: [], count: spec.count ? 0 : null, scanned: 0 }
    this.key = `engine\u0000${pageKey(spec)}`
  }

  async read(source: PagerSource): Promise<BatchShare> {
    const { spec } = this
    spec.signal?.throwIfAborted()
    const selection = selectionOf(spec, source.from, source.to)
    const [rows, count] = await Promise.all([
      source.readPage({ ...selection, orderBy: spec.order.terms, after: spec.after, limit: spec.rows }),
      spec.count ? source.countRows(selection) : null,
    ])
    return { rows, count, scanned: rows.length }
  }
}
