import { TwinflowError, type Clock, type ConsumeOptions, type Logger } from '@twinflow/core'
import { ConsumerGroup } from './consumer-group.ts'
import type { LogPartition } from './log-partition.ts'
import type { MemoryRetryPolicy } from './memory-event-log-options.ts'
import { MemoryLogConsumer } from './memory-log-consumer.ts'

/** What the consumer groups of a log need from it. */
export interface ConsumerGroupsContext {
  /** A topic's partitions; throws a `config` error for an unknown topic (or creates it, if the log does). */
  partitions(topic: string): readonly LogPartition[]
  clock: Clock
  logger: Logger
  retry: MemoryRetryPolicy
  /** Called once per group, when it is first needed (before any member joins it). */
  onGroup?: (group: ConsumerGroup) => void
}

/**
 * The consumer groups of an embedded log (memory or local) and their members: `consume` and the
 * test hooks (`consumers`, `committedOffsets`, `caughtUp`) of both logs, over their partitions.
 */
export class ConsumerGroups {
  readonly #ctx: ConsumerGroupsContext
  readonly #groups = new Map<string, ConsumerGroup>()
  readonly #consumers = new Set<MemoryLogConsumer>()
  #members = 0

  constructor(context: ConsumerGroupsContext) {
    this.#ctx = context
  }

  /** Joins a consumer group (see EventLog.consume), after checking the options. */
  async consume(options: ConsumeOptions): Promise<MemoryLogConsumer> {
    if (typeof options.groupId !== 'string' || options.groupId.length === 0) throw new TwinflowError('config', 'consume() needs a non-empty groupId')
    if (!Array.isArray(options.topics) || options.topics.length === 0) throw new TwinflowError('config', `consume() of group "${options.groupId}" needs at least one topic`)
    if (typeof options.eachBatch !== 'function') throw new TwinflowError('config', `consume() of group "${options.groupId}" needs an eachBatch function`)
    const maxBatchSize = options.maxBatchSize ?? 1000
    if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) throw new TwinflowError('config', `maxBatchSize must be an integer >= 1, got ${maxBatchSize}`)
    for (const topic of options.topics) this.#ctx.partitions(topic)
    const group = this.group(options.groupId)
    const member = new MemoryLogConsumer(`${options.groupId}-${++this.#members}`, options, {
      group,
      partition: (topic, partition) => this.#ctx.partitions(topic)[partition]!,
      clock: this.#ctx.clock,
      logger: this.#ctx.logger,
      retry: this.#ctx.retry,
    })
    this.#consumers.add(member)
    try {
      await group.join(member)
    } catch (error) {
      this.#consumers.delete(member)
      throw error
    }
    return member
  }

  /** Stops every member started here (each finishes its batch in flight). */
  async stopAll(): Promise<void> {
    const consumers = [...this.#consumers]
    this.#consumers.clear()
    await Promise.all(consumers.map((c) => c.stop()))
  }

  /** The group, created (empty) when missing. */
  group(id: string): ConsumerGroup {
    let group = this.#groups.get(id)
    if (!group) {
      group = new ConsumerGroup(id, (topic) => this.#ctx.partitions(topic).length, this.#ctx.logger)
      this.#groups.set(id, group)
      this.#ctx.onGroup?.(group)
    }
    return group
  }

  /** The groups there are, in creation order. */
  all(): IterableIterator<ConsumerGroup> {
    return this.#groups.values()
  }

  /** The running members of a group, in join order. */
  consumers(groupId: string): MemoryLogConsumer[] {
    return (this.#groups.get(groupId)?.members ?? []).filter((m) => m.state === 'running')
  }

  /** A group's committed offsets (next offset to read) of a topic's partitions. */
  committedOffsets(groupId: string, topic: string): Map<number, number> {
    const group = this.#groups.get(groupId)
    const out = new Map<number, number>()
    this.#ctx.partitions(topic).forEach((_, i) => {
      const committed = group?.committed(topic, i)
      if (committed !== undefined) out.set(i, committed)
    })
    return out
  }

  /** Resolves once the group has committed every partition of `topics` up to its end offset (checked again on every commit). */
  caughtUp(groupId: string, topics: readonly string[]): Promise<void> {
    const group = this.group(groupId)
    const done = () => topics.every((t) => this.#ctx.partitions(t).every((p, i) => (group.committed(t, i) ?? 0) >= p.endOffset))
    if (done()) return Promise.resolve()
    return new Promise((resolve) => {
      const off = group.onCommit(() => {
        if (!done()) return
        off()
        resolve()
      })
    })
  }
}
