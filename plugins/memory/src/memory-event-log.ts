import { TwinflowError, type Clock, type ConsumeOptions, type EventLog, type LogMessage, type Logger, type ProduceOptions } from '@twinflow/core'
import { ConsumerGroups } from './consumer-groups.ts'
import { parseMemoryEventLogOptions, type MemoryEventLogOptions, type ResolvedMemoryEventLogOptions } from './memory-event-log-options.ts'
import type { MemoryLogConsumer } from './memory-log-consumer.ts'
import { MemoryPartition } from './memory-partition.ts'
import { partitionForKey } from './murmur2.ts'

interface MemoryTopic {
  partitions: MemoryPartition[]
  /** Next partition of a keyless message (round-robin). */
  nextPartition: number
}

export interface MemoryEventLogDeps {
  clock: Clock
  logger: Logger
}

/**
 * The embedded event log: topics of partitions in process memory, with Kafka's semantics where
 * Twinflow relies on them: keyed messages go to the partition Kafka's default partitioner picks
 * (murmur2), keyless ones round-robin; offsets are dense from 0 per partition; consumer groups
 * split partitions among their members, commit per batch and redeliver uncommitted batches.
 * Nothing survives the process. Beyond the contract it offers test hooks: `consumers(groupId)`
 * (each with `crash()`), `committedOffsets` and `caughtUp`.
 */
export class MemoryEventLog implements EventLog {
  /** A produce appends its messages and saves its checkpoint in one synchronous step. */
  readonly atomicCheckpoints = true
  readonly #checkpoints = new Map<string, string>()
  readonly #options: ResolvedMemoryEventLogOptions
  readonly #clock: Clock
  readonly #logger: Logger
  readonly #topics = new Map<string, MemoryTopic>()
  readonly #groups: ConsumerGroups
  #connected = false

  constructor(options: MemoryEventLogOptions, deps: MemoryEventLogDeps) {
    this.#options = parseMemoryEventLogOptions(options)
    this.#clock = deps.clock
    this.#logger = deps.logger
    this.#groups = new ConsumerGroups({ partitions: (topic) => this.#topic(topic).partitions, clock: this.#clock, logger: this.#logger, retry: this.#options.retry })
  }

  async connect(): Promise<void> {
    this.#connected = true
  }

  /** Stops every consumer it started (each finishes its batch in flight), then disconnects. Topics are kept. */
  async close(): Promise<void> {
    await this.#groups.stopAll()
    this.#connected = false
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    this.#requireConnected()
    if (typeof topic !== 'string' || topic.length === 0) throw new TwinflowError('config', `topic name must be a non-empty string, got ${JSON.stringify(topic)}`)
    if (!Number.isSafeInteger(partitions) || partitions < 1) {
      throw new TwinflowError('config', `topic "${topic}" needs an integer number of partitions >= 1, got ${partitions}`, { context: { topic } })
    }
    if (!this.#topics.has(topic)) this.#topics.set(topic, { partitions: Array.from({ length: partitions }, () => new MemoryPartition()), nextPartition: 0 })
  }

  async produce(topic: string, messages: LogMessage[], options: ProduceOptions = {}): Promise<void> {
    this.#requireConnected()
    const target = this.#topic(topic)
    messages.forEach((m, i) => {
      if (!(m?.value instanceof Uint8Array)) throw new TwinflowError('validation', `message ${i} for topic "${topic}" has no Buffer value`, { context: { topic } })
      if (m.key !== undefined && m.key !== null && typeof m.key !== 'string') {
        throw new TwinflowError('validation', `message ${i} for topic "${topic}" has a key that is not a string`, { context: { topic } })
      }
    })
    const now = this.#clock.now()
    for (const message of messages) {
      const count = target.partitions.length
      const partition = typeof message.key === 'string' ? partitionForKey(message.key, count) : target.nextPartition++ % count
      target.partitions[partition]!.append({
        key: message.key ?? null,
        value: Buffer.from(message.value),
        timestamp: message.timestamp ?? now,
        headers: { ...message.headers },
      })
    }
    if (options.checkpoint) this.#checkpoints.set(options.checkpoint.key, options.checkpoint.value)
  }

  async loadCheckpoint(key: string): Promise<string | null> {
    this.#requireConnected()
    return this.#checkpoints.get(key) ?? null
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    this.#requireConnected()
    return new Map(this.#topic(topic).partitions.map((p, i) => [i, p.endOffset]))
  }

  async consume(options: ConsumeOptions): Promise<MemoryLogConsumer> {
    this.#requireConnected()
    return this.#groups.consume(options)
  }

  /** The running members of a group, in join order (memory log only, for tests). */
  consumers(groupId: string): MemoryLogConsumer[] {
    return this.#groups.consumers(groupId)
  }

  /** A group's committed offsets (next offset to read) of a topic's partitions (memory log only). */
  committedOffsets(groupId: string, topic: string): Map<number, number> {
    return this.#groups.committedOffsets(groupId, topic)
  }

  /**
   * Resolves once the group has committed every partition of `topics` up to its end offset (as of
   * the moment it checks; checked again on every commit). Memory log only, for tests and tools.
   */
  caughtUp(groupId: string, topics: readonly string[]): Promise<void> {
    return this.#groups.caughtUp(groupId, topics)
  }

  #topic(name: string): MemoryTopic {
    let topic = this.#topics.get(name)
    if (!topic && this.#options.autoCreateTopics && typeof name === 'string' && name.length > 0) {
      topic = { partitions: Array.from({ length: this.#options.defaultPartitions }, () => new MemoryPartition()), nextPartition: 0 }
      this.#topics.set(name, topic)
    }
    if (!topic) {
      throw new TwinflowError('config', `unknown topic "${name}"; known topics: ${[...this.#topics.keys()].join(', ') || 'none'} (create it with createTopic)`, {
        context: { topic: name },
      })
    }
    return topic
  }

  #requireConnected(): void {
    if (!this.#connected) throw new TwinflowError('unavailable', 'the memory event log is not connected (call connect() first)', { retriable: false })
  }
}
