import type { LogRecord } from '@twinflow/core'

interface Waiter {
  offset: number
  resolve: () => void
}

/** One partition of a memory topic: an append-only array of records with dense offsets from 0. */
export class MemoryPartition {
  readonly #records: LogRecord[] = []
  readonly #waiters = new Set<Waiter>()

  /** The next offset to be written. */
  get endOffset(): number {
    return this.#records.length
  }

  /** Appends a record, wakes the readers waiting for it, and returns its offset. */
  append(record: Omit<LogRecord, 'offset'>): number {
    const offset = this.#records.length
    this.#records.push(Object.freeze({ ...record, offset }))
    for (const waiter of this.#waiters) {
      if (waiter.offset < this.#records.length) {
        this.#waiters.delete(waiter)
        waiter.resolve()
      }
    }
    return offset
  }

  /** Up to `max` consecutive records from `from`. */
  read(from: number, max: number): LogRecord[] {
    // Each reader gets its own bytes, as from a broker: a consumer cannot change the log.
    return this.#records.slice(from, from + max).map((r) => ({ ...r, value: Buffer.from(r.value), headers: { ...r.headers } }))
  }

  /** Resolves once a record at `offset` exists, or when `signal` aborts (the caller checks which). */
  waitFor(offset: number, signal: AbortSignal): Promise<void> {
    if (offset < this.#records.length || signal.aborted) return Promise.resolve()
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
}
