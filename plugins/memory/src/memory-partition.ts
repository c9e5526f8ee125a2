import type { LogRecord } from '@twinflow/core'
import type { LogPartition } from './log-partition.ts'
import { OffsetWaiters } from './offset-waiters.ts'

/** One partition of a memory topic: an append-only array of records with dense offsets from 0, kept forever. */
export class MemoryPartition implements LogPartition {
  readonly #records: LogRecord[] = []
  readonly #waiters = new OffsetWaiters()

  /** Nothing is ever dropped. */
  get startOffset(): number {
    return 0
  }

  /** The next offset to be written. */
  get endOffset(): number {
    return this.#records.length
  }

  /** Appends a record, wakes the readers waiting for it, and returns its offset. */
  append(record: Omit<LogRecord, 'offset'>): number {
    const offset = this.#records.length
    this.#records.push(Object.freeze({ ...record, offset }))
    this.#waiters.wake(this.#records.length)
    return offset
  }

  async read(from: number, max: number): Promise<LogRecord[]> {
    // Each reader gets its own bytes, as from a broker: a consumer cannot change the log.
    return this.#records.slice(from, from + max).map((r) => ({ ...r, value: Buffer.from(r.value), headers: { ...r.headers } }))
  }

  waitFor(offset: number, signal: AbortSignal): Promise<void> {
    return this.#waiters.waitFor(offset, this.#records.length, signal)
  }
}
