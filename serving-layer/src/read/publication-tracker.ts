import type { BatchEngine, Publication } from '@twinflow/core'
import { FreshLookup } from './fresh-lookup.ts'

export interface PublicationTrackerOptions {
  /**
   * The bound on staleness: `known` answers from a lookup that started at most this long before
   * the call, so a publication made earlier than that before a request is what the request sees
   * (or a newer one). @default 1000
   */
  maxAgeMs?: number
  /** Milliseconds since some fixed point (tests move it). @default Date.now */
  now?: () => number
}

/**
 * The served publication of each view, read as little as correctness allows:
 * - `known(view)`: a publication confirmed by a lookup that started at most `maxAgeMs` before the
 *   call. When the last confirmation is older, the call waits for a lookup of its own (after an
 *   idle spell, the first request pays one round trip); when it is older than half of that, a
 *   lookup starts in the background, so under steady traffic no request waits. Publications at the
 *   same cutoff as the one before (every run within a window; every run over past data) do not
 *   move the realtime store's cutoff mark, so this bound is what makes them served;
 * - `fresh(view)`: a lookup that STARTS after the call, for a reader whose check after its read
 *   failed (the realtime store's cutoff mark moved past the publication it used, or the mark could
 *   not be read). One lookup per view is in flight at a time; callers that arrive meanwhile share
 *   the next one (see FreshLookup).
 */
export class PublicationTracker {
  readonly #known = new Map<string, Publication | null>()
  /** Start time of the newest lookup that has completed, per view: what `known` is confirmed as of. */
  readonly #confirmedAt = new Map<string, number>()
  /** Start time of the newest lookup started, per view. */
  readonly #startedAt = new Map<string, number>()
  readonly #lookup: FreshLookup<Publication | null>
  readonly #maxAgeMs: number
  readonly #now: () => number

  constructor(
    private readonly batch: BatchEngine,
    options: PublicationTrackerOptions = {},
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 1000
    this.#now = options.now ?? Date.now
    this.#lookup = new FreshLookup((view) => this.#read(view))
  }

  async known(view: string): Promise<Publication | null> {
    const now = this.#now()
    const confirmedAt = this.#confirmedAt.get(view)
    if (confirmedAt === undefined || now - confirmedAt > this.#maxAgeMs) return this.fresh(view)
    if (now - (this.#startedAt.get(view) ?? 0) >= this.#maxAgeMs / 2) {
      // A failed background lookup is not lost: the next one, or a `known` past the bound, reads
      // again and reports its own failure to its caller.
      this.fresh(view).catch(() => {})
    }
    return this.#known.get(view)!
  }

  fresh(view: string): Promise<Publication | null> {
    return this.#lookup.get(view)
  }

  async #read(view: string): Promise<Publication | null> {
    const started = this.#now()
    this.#startedAt.set(view, started)
    const publication = await this.batch.currentPublication(view)
    const known = this.#known.get(view)
    // Publications only move forward; a read that ended after a newer one must not move it back.
    if (!known || !publication || publication.version >= known.version) this.#known.set(view, publication)
    if (started > (this.#confirmedAt.get(view) ?? -Infinity)) this.#confirmedAt.set(view, started)
    return publication
  }
}
