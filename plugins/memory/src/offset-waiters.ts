interface Waiter {
  offset: number
  resolve: () => void
}

/** The readers waiting for a partition to reach an offset: woken by `wake(endOffset)`, no timers. */
export class OffsetWaiters {
  readonly #waiters = new Set<Waiter>()

  /** Resolves once `wake` is called with an end past `offset` (at once if `endOffset` is), or when `signal` aborts. */
  waitFor(offset: number, endOffset: number, signal: AbortSignal): Promise<void> {
    if (offset < endOffset || signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        resolve: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = () => {
        this.#waiters.delete(waiter)
        resolve()
      }
      this.#waiters.add(waiter)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Wakes the readers waiting for an offset below `endOffset`. */
  wake(endOffset: number): void {
    for (const waiter of this.#waiters) {
      if (waiter.offset < endOffset) {
        this.#waiters.delete(waiter)
        waiter.resolve()
      }
    }
  }
}
