interface NextRead<V> {
  result: Promise<V>
  start: () => void
}

/** Reads per key in flight at once, unless told otherwise. */
export const DEFAULT_READS_IN_FLIGHT = 4

/**
 * Reads by key, each answer from a read that STARTED at or after the call (never an older answer
 * cached from before), with at most `readsInFlight` reads per key in flight. A caller gets a read
 * of its own at once while fewer are running, so it waits one round trip, not the rest of a read
 * that started before it and then its own; when the bound is reached, callers share the next
 * read, which starts as soon as one of the running reads ends. So a lone caller, or a few, costs
 * a read each, and any load costs at most `readsInFlight` concurrent reads per key: under load the
 * callers of a round trip share one read instead of each making one.
 */
export class FreshLookup<V> {
  readonly #running = new Map<string, number>()
  readonly #next = new Map<string, NextRead<V>>()

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly readsInFlight = DEFAULT_READS_IN_FLIGHT,
  ) {
    if (!Number.isInteger(readsInFlight) || readsInFlight < 1) throw new RangeError(`readsInFlight must be an integer of at least 1, got ${readsInFlight}`)
  }

  get(key: string): Promise<V> {
    // A read waiting to start exists only while the bound is reached: join it.
    const next = this.#next.get(key)
    if (next) return next.result
    if ((this.#running.get(key) ?? 0) < this.readsInFlight) return this.#run(key)
    let start!: () => void
    const result = new Promise<V>((resolve, reject) => (start = () => this.#run(key).then(resolve, reject)))
    this.#next.set(key, { result, start })
    return result
  }

  async #run(key: string): Promise<V> {
    this.#running.set(key, (this.#running.get(key) ?? 0) + 1)
    try {
      return await this.read(key)
    } finally {
      const running = this.#running.get(key)! - 1
      if (running === 0) this.#running.delete(key)
      else this.#running.set(key, running)
      const next = this.#next.get(key)
      this.#next.delete(key)
      next?.start()
    }
  }
}
