import type { Logger } from '@twinflow/core'
import type { MemoryLogConsumer } from './memory-log-consumer.ts'
import { parseTopicPartitionKey, topicPartitionKey, type TopicPartition } from './topic-partition.ts'

/**
 * The coordinator of one consumer group of the memory log: its members (in join order), its
 * committed offsets (next offset to read, per topic partition) and its rebalances.
 *
 * A rebalance (on every join and leave) pauses every member (each stops fetching and finishes the
 * batch in flight, which commits), splits each topic's partitions among the members subscribed to
 * it (Kafka's range assignor), lets each member resume its newly assigned partitions, then restarts
 * fetching. Rebalances run one at a time, in the order they were asked for.
 */
export class ConsumerGroup {
  readonly id: string
  readonly #members: MemoryLogConsumer[] = []
  readonly #committed = new Map<string, number>()
  readonly #listeners = new Set<() => void>()
  readonly #partitionsOf: (topic: string) => number
  readonly #logger: Logger
  #queue: Promise<unknown> = Promise.resolve()

  constructor(id: string, partitionsOf: (topic: string) => number, logger: Logger) {
    this.id = id
    this.#partitionsOf = partitionsOf
    this.#logger = logger
  }

  /** Members in join order. */
  get members(): readonly MemoryLogConsumer[] {
    return this.#members
  }

  /** The committed offset (next offset to read) of a partition, if any. */
  committed(topic: string, partition: number): number | undefined {
    return this.#committed.get(topicPartitionKey(topic, partition))
  }

  /** Every committed offset (next offset to read). */
  *offsets(): IterableIterator<TopicPartition & { offset: number }> {
    for (const [key, offset] of this.#committed) yield { ...parseTopicPartitionKey(key), offset }
  }

  commit(topic: string, partition: number, nextOffset: number): void {
    this.#committed.set(topicPartitionKey(topic, partition), nextOffset)
    for (const listener of [...this.#listeners]) listener()
  }

  /** Calls `listener` after every commit; returns the function that removes it. */
  onCommit(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Adds a member and rebalances; rejects (and drops the member) when it could not take its partitions. */
  join(member: MemoryLogConsumer): Promise<void> {
    return this.#enqueue(async () => {
      this.#members.push(member)
      const failures = await this.#rebalance()
      if (failures.has(member)) throw failures.get(member)
    })
  }

  /**
   * Removes a member and rebalances. `graceful`: the member first finishes its batches in flight
   * (they commit); `abandon` (a crash): nothing of it is waited for.
   */
  leave(member: MemoryLogConsumer, mode: 'graceful' | 'abandon'): Promise<void> {
    return this.#enqueue(async () => {
      if (mode === 'graceful') await member.pause()
      const index = this.#members.indexOf(member)
      if (index < 0) return
      this.#members.splice(index, 1)
      await this.#rebalance()
    })
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task)
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #rebalance(): Promise<Map<MemoryLogConsumer, unknown>> {
    const failures = new Map<MemoryLogConsumer, unknown>()
    await Promise.all(this.#members.map((m) => m.pause()))
    for (;;) {
      const plan = this.#plan()
      const results = await Promise.all(
        this.#members.map(async (member) => {
          try {
            await member.assign(plan.get(member) ?? [])
            return null
          } catch (error) {
            return { member, error }
          }
        }),
      )
      const failed = results.filter((r) => r !== null)
      if (failed.length === 0) break
      for (const { member, error } of failed) {
        this.#members.splice(this.#members.indexOf(member), 1)
        failures.set(member, error)
        member.failed(error)
      }
    }
    for (const member of this.#members) member.resume()
    this.#logger.debug('consumer group rebalanced', {
      group: this.id,
      assignment: this.#members.map((m) => ({ member: m.memberId, partitions: m.assignment().map((tp) => `${tp.topic}[${tp.partition}]`) })),
    })
    return failures
  }

  /** Kafka's range assignor: per topic, contiguous ranges of partitions to its subscribers in join order. */
  #plan(): Map<MemoryLogConsumer, TopicPartition[]> {
    const plan = new Map<MemoryLogConsumer, TopicPartition[]>(this.#members.map((m) => [m, []]))
    const topics = new Set(this.#members.flatMap((m) => m.topics))
    for (const topic of topics) {
      const subscribers = this.#members.filter((m) => m.topics.includes(topic))
      const partitions = this.#partitionsOf(topic)
      const base = Math.floor(partitions / subscribers.length)
      const extra = partitions % subscribers.length
      let next = 0
      subscribers.forEach((member, i) => {
        const count = base + (i < extra ? 1 : 0)
        for (let p = next; p < next + count; p++) plan.get(member)!.push({ topic, partition: p })
        next += count
      })
    }
    return plan
  }
}
