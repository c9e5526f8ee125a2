import type { Logger } from '@twinflow/core'
import { topicPartitionKey } from './topic-partition-key.ts'

/** A partition's next offset to commit (the offset after its last handled record). */
export interface PartitionOffset {
  topic: string
  partition: number
  offset: string
}

export interface OffsetCommitterOptions {
  /** Wait before the first retry of a failed commit, doubled after each failure in a row. @default 500 */
  retryMs?: number
  /** The longest wait between retries. @default 10000 */
  maxRetryMs?: number
}

/**
 * Commits the offsets of handled records, coalesced: offsets noted while a commit is in flight go
 * together in the next one, so at most one commit request is in flight and none waits in a
 * handler's path. A failed commit is logged and its offsets are kept, unless newer ones were noted
 * meanwhile, and sent again with the next handled batch or after a backoff, whichever comes first:
 * a partition that goes idle still gets its last offsets committed (before, they waited for a
 * batch that might never come, and the group's lag stayed up with every record handled). Losing a
 * commit only means records are delivered again (at-least-once).
 *
 * Lifecycle: `handled` as batches are handled, `flush` when the member stops, then `close`.
 */
export class OffsetCommitter {
  readonly #pending = new Map<string, PartitionOffset>()
  #inFlight: Promise<void> | null = null
  #retry: NodeJS.Timeout | null = null
  /** Failed commits in a row (the backoff's exponent). */
  #failures = 0

  /**
   * @param commit sends one commit request (kafkajs's `consumer.commitOffsets`)
   * @param owned whether the member still owns the partition: offsets of partitions it lost are dropped
   */
  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly owned: (topic: string, partition: number) => boolean,
    private readonly logger: Logger,
    private readonly options: OffsetCommitterOptions = {},
  ) {}

  /** Notes that every record before `nextOffset` was handled and starts a commit unless one is in flight. */
  handled(topic: string, partition: number, nextOffset: number): void {
    this.#pending.set(topicPartitionKey(topic, partition), { topic, partition, offset: String(nextOffset) })
    this.#start()
  }

  /**
   * Resolves once every offset noted before the call was committed, or a last attempt failed: offsets
   * kept from a failed commit are sent once more (a member that stops commits what it handled).
   */
  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight
    if (this.#pending.size === 0) return
    this.#start()
    while (this.#inFlight) await this.#inFlight
  }

  /** Stops the retries of failed commits (after `flush`, when the member stops). */
  close(): void {
    this.#cancelRetry()
  }

  #start(): void {
    if (this.#inFlight) return
    this.#cancelRetry() // this commit sends what the retry would have
    // Cleared in a callback, not inside #drain: a drain that ends without awaiting anything must not
    // clear the field before it is set. Offsets noted after the drain's last look start the next one.
    this.#inFlight = this.#drain().then((failed) => {
      this.#inFlight = null
      if (failed) return this.#retryLater()
      this.#failures = 0
      if (this.#pending.size > 0) this.#start()
    })
  }

  #cancelRetry(): void {
    if (this.#retry) clearTimeout(this.#retry)
    this.#retry = null
  }

  #retryLater(): void {
    const first = this.options.retryMs ?? 500
    const wait = Math.min(this.options.maxRetryMs ?? 10_000, first * 2 ** Math.min(this.#failures, 20))
    this.#failures++
    this.#retry = setTimeout(() => {
      this.#retry = null
      this.#start()
    }, wait)
    // A retry alone does not keep the process alive: a member that stops flushes instead.
    this.#retry.unref()
  }

  /** Commits until nothing is pending; resolves to true when a commit failed (the rest waits for a retry or the next `handled`). */
  async #drain(): Promise<boolean> {
    while (this.#pending.size > 0) {
      const offsets = [...this.#pending.entries()]
      this.#pending.clear()
      const owned = offsets.filter(([, o]) => this.owned(o.topic, o.partition)).map(([, o]) => o)
      if (owned.length === 0) continue
      try {
        await this.commit(owned)
      } catch (error) {
        this.logger.warn('committing offsets failed; the records after the last commit may be delivered again', { error, offsets: owned })
        // Kept for the next commit (a later handled batch starts it), unless newer offsets replaced them.
        for (const [key, offset] of offsets) if (!this.#pending.has(key)) this.#pending.set(key, offset)
        return true
      }
    }
    return false
  }
}
