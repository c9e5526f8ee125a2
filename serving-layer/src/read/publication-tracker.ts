import type { BatchEngine, Publication } from '@twinflow/core'
import { FreshLookup } from './fresh-lookup'

/**
 * The served publication of each view, read as little as correctness allows:
 * - `known(view)`: the last publication seen (read once if none was): a reader may start from a
 *   stale one, because it checks afterwards. When the last lookup started more than `refreshMs`
 *   ago, a new one starts in the background, so answers move to a new version within about that
 *   long even where no speed layer marks cutoffs;
 * - `fresh(view)`: a read that STARTS after the call, for a reader whose check after its read
 *   failed (the realtime store's cutoff mark moved past the publication it used, or the mark could
 *   not be read). One read per view is in flight at a time; callers that arrive meanwhile share
 *   the next one (see FreshLookup).
 */
export class PublicationTracker {
  readonly #known = new Map<string, Publication | null>()
  readonly #lookedUpAt = new Map<string, number>()
  readonly #lookup: FreshLookup<Publication | null>

  constructor(
    private readonly batch: BatchEngine,
    private readonly options: { refreshMs?: number } = {},
  ) {
    this.#lookup = new FreshLookup((view) => this.#read(view))
  }

  async known(view: string): Promise<Publication | null> {
    if (!this.#known.has(view)) return this.fresh(view)
    if (Date.now() - (this.#lookedUpAt.get(view) ?? 0) >= (this.options.refreshMs ?? 1000)) {
      this.#lookedUpAt.set(view, Date.now())
      // A failed background refresh is not lost: the next refresh or `fresh` reads again and
      // reports its own failure to its caller.
      this.fresh(view).catch(() => {})
    }
    return this.#known.get(view)!
  }

  fresh(view: string): Promise<Publication | null> {
    return this.#lookup.get(view)
  }

  async #read(view: string): Promise<Publication | null> {
    this.#lookedUpAt.set(view, Date.now())
    const publication = await this.batch.currentPublication(view)
    const known = this.#known.get(view)
    // Publications only move forward; a read that ended after a newer one must not move it back.
    if (!known || !publication || publication.version >= known.version) this.#known.set(view, publication)
    return publication
  }
}
