import type { BatchEngine, Publication } from '@twinflow/core'

interface NextRead {
  result: Promise<Publication | null>
  start: () => void
}

/**
 * The served publication of each view, read as little as correctness allows:
 * - `known(view)`: the last publication seen (read once if none was): a reader may start from a
 *   stale one, because it checks afterwards;
 * - `fresh(view)`: a read that STARTS after the call, which is what the check after a read needs.
 *   One read per view is in flight at a time; callers that arrive meanwhile share the next one,
 *   which starts when it ends. Under load, the checks of many requests cost one query.
 */
export class PublicationTracker {
  readonly #known = new Map<string, Publication | null>()
  readonly #inFlight = new Set<string>()
  readonly #next = new Map<string, NextRead>()

  constructor(private readonly batch: BatchEngine) {}

  async known(view: string): Promise<Publication | null> {
    return this.#known.has(view) ? this.#known.get(view)! : this.fresh(view)
  }

  fresh(view: string): Promise<Publication | null> {
    if (!this.#inFlight.has(view)) return this.#read(view)
    let next = this.#next.get(view)
    if (!next) {
      let start!: () => void
      const result = new Promise<Publication | null>((resolve, reject) => (start = () => this.#read(view).then(resolve, reject)))
      next = { result, start }
      this.#next.set(view, next)
    }
    return next.result
  }

  async #read(view: string): Promise<Publication | null> {
    this.#inFlight.add(view)
    try {
      const publication = await this.batch.currentPublication(view)
      const known = this.#known.get(view)
      // Publications only move forward; a read that ended after a newer one must not move it back.
      if (!known || !publication || publication.version >= known.version) this.#known.set(view, publication)
      return publication
    } finally {
      this.#inFlight.delete(view)
      const next = this.#next.get(view)
      this.#next.delete(view)
      next?.start()
    }
  }
}
