interface NextRead<V> {
  result: Promise<V>
  start: () => void
}

/**
 * Reads by key, each answer from a read that STARTED at or after the call (never an older answer
 * cached from before), with at most one read per key in flight: callers that arrive while one runs
 * share the next one, which starts when it ends. Under load, the lookups of many concurrent
 * requests cost one read per key per round trip; alone, a caller gets its own read at once.
 */
export class FreshLookup<V> {
  readonly #inFlight = new Set<string>()
  readonly #next = new Map<string, NextRead<V>>()

  constructor(private readonly read: (key: string) => Promise<V>) {}

  get(key: string): Promise<V> {
    if (!this.#inFlight.has(key)) return this.#run(key)
    let next = this.#next.get(key)
    if (!next) {
      let start!: () => void
      const result = new Promise<V>((resolve, reject) => (start = () => this.#run(key).then(resolve, reject)))
      next = { result, start }
      this.#next.set(key, next)
    }
    return next.result
  }

  async #run(key: string): Promise<V> {
    this.#inFlight.add(key)
    try {
      return await this.read(key)
    } finally {
      this.#inFlight.delete(key)
      const next = this.#next.get(key)
      this.#next.delete(key)
      next?.start()
    }
  }
}
