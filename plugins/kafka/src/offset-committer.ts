import type { Logger } from '@twinflow/core'
import { topicPartitionKey } from './topic-partition-key'

/** A partition's next offset to commit (the offset after its last handled record). */
export interface PartitionOffset {
  topic: string
  partition: number
  offset: string
}

/**
 * Commits the offsets of handled records, coalesced: offsets noted while a commit is in flight go
 * together in the next one, so at most one commit request is in flight and none waits in a
 * handler's path. A failed commit is logged and its offsets are kept for the next one, unless newer
 * ones were noted meanwhile; losing a commit only means records are delivered again (at-least-once).
 */
export class OffsetCommitter {
  readonly #pending = new Map<string, PartitionOffset>()
  #inFlight: Promise<void> | null = null

  /**
   * @param commit sends one commit request (kafkajs's `consumer.commitOffsets`)
   * @param owned whether the member still owns the partition: offsets of partitions it lost are dropped
   */
  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly owned: (topic: string, partition: number) => boolean,
    private readonly logger: Logger,
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

  #start(): void {
    if (this.#inFlight) return
    // Cleared in a callback, not inside #drain: a drain that ends without awaiting anything must not
    // clear the field before it is set. Offsets noted after the drain's last look start the next one.
    this.#inFlight = this.#drain().then((failed) => {
      this.#inFlight = null
      if (!failed && this.#pending.size > 0) this.#start()
    })
  }

  /** Commits until nothing is pending; resolves to true when a commit failed (the rest waits for the next `handled`). */
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
