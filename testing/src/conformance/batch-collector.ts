import type { LogBatch } from '@twinflow/core'
import { Waiter } from './waiter.ts'

export interface CollectedRecord {
  partition: number
  offset: number
  key: string | null
  value: string
}

/** An `eachBatch` handler that keeps what it received, with a way to wait for it. */
export class BatchCollector {
  readonly batches: LogBatch[] = []
  readonly errors: unknown[] = []
  readonly #waiter = new Waiter()
  /** Decides, per delivery, whether to fail it (throw) instead of accepting it. */
  failWhen: ((batch: LogBatch) => unknown) | null = null

  readonly eachBatch = async (batch: LogBatch): Promise<void> => {
    const failure = this.failWhen?.(batch)
    if (failure !== undefined && failure !== null) {
      this.#waiter.notify()
      throw failure
    }
    this.batches.push(batch)
    this.#waiter.notify()
  }

  readonly onError = (error: unknown): void => {
    this.errors.push(error)
    this.#waiter.notify()
  }

  records(): CollectedRecord[] {
    return this.batches.flatMap((b) => b.records.map((r) => ({ partition: b.partition, offset: r.offset, key: r.key, value: r.value.toString('utf8') })))
  }

  until(check: (collector: this) => boolean, what: string, timeoutMs?: number): Promise<void> {
    return this.#waiter.until(() => check(this), what, timeoutMs)
  }
}
