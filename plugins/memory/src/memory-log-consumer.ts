import { retry, TwinflowError, type Clock, type ConsumeOptions, type LogBatch, type LogConsumer, type Logger } from '@twinflow/core'
import type { ConsumerGroup } from './consumer-group.ts'
import type { LogPartition } from './log-partition.ts'
import type { MemoryRetryPolicy } from './memory-event-log-options.ts'
import { topicPartitionKey, type TopicPartition } from './topic-partition.ts'

/** What a member needs from the log that created it. */
export interface MemberContext {
  group: ConsumerGroup
  partition(topic: string, partition: number): LogPartition
  clock: Clock
  logger: Logger
  retry: MemoryRetryPolicy
}

/** running: in the group; left: stopped or stopping; failed: stopped by an error; crashed: abandoned. */
export type MemberState = 'running' | 'left' | 'failed' | 'crashed'

/** The reason runners are aborted with when their member pauses (rebalance, stop, crash). */
const PAUSED = new Error('consumer paused')

/**
 * A batch of the memory log. Beyond core's LogBatch it carries `signal`, aborted when its member
 * crashes (like kafkajs' `isRunning()`): a handler that checks it between its writes stops where
 * a crashed process would have stopped, instead of finishing as a zombie.
 */
export interface MemoryLogBatch extends LogBatch {
  signal: AbortSignal
}

/**
 * A member of a consumer group of the memory and local logs. Each assigned partition has its own fetch loop:
 * it waits for records (woken by `produce`, no timers), hands up to `maxBatchSize` of them to
 * `eachBatch`, and commits when that resolves. A rejection is reported to `onError`; a retriable
 * one is redelivered from the committed offset after a backoff (the batch may then be larger), a
 * non-retriable one, or exhausted retries, stop the member: it leaves the group, whose other
 * members get its partitions from the committed offsets. A position below the partition's first
 * offset (records dropped by retention) moves up to it, with a warning.
 */
export class MemoryLogConsumer implements LogConsumer {
  readonly memberId: string
  readonly groupId: string
  readonly topics: readonly string[]
  readonly #ctx: MemberContext
  readonly #options: ConsumeOptions
  readonly #maxBatchSize: number
  #assignment = new Map<string, TopicPartition>()
  readonly #positions = new Map<string, number>()
  #controller: AbortController | null = null
  #runners: Promise<void>[] = []
  #state: MemberState = 'running'
  #left: Promise<void> | null = null
  #onCrash!: () => void
  readonly #crashed = new Promise<void>((resolve) => (this.#onCrash = resolve))
  readonly #alive = new AbortController()

  constructor(memberId: string, options: ConsumeOptions, context: MemberContext) {
    this.memberId = memberId
    this.groupId = options.groupId
    this.topics = [...new Set(options.topics)]
    this.#options = options
    this.#maxBatchSize = options.maxBatchSize ?? 1000
    this.#ctx = context
  }

  get state(): MemberState {
    return this.#state
  }

  /** The partitions currently assigned to this member. */
  assignment(): TopicPartition[] {
    return [...this.#assignment.values()]
  }

  stop(): Promise<void> {
    if (this.#left) return this.#left
    this.#state = 'left'
    this.#left = this.#ctx.group.leave(this, 'graceful')
    return this.#left
  }

  /**
   * Simulates the crash of this member's process (memory log only): it stops at once and commits
   * nothing more; the `signal` of its batches in flight aborts (a handler that ignores it finishes
   * them in the background, uncommitted, like a zombie); the group rebalances without waiting for
   * it, so that another member gets its uncommitted batches again. Resolves when the rebalance is done.
   */
  crash(): Promise<void> {
    if (this.#state !== 'running') return this.#left ?? Promise.resolve()
    this.#state = 'crashed'
    this.#onCrash()
    this.#alive.abort(new TwinflowError('unavailable', `consumer ${this.memberId} crashed`, { context: { group: this.groupId } }))
    this.#controller?.abort(PAUSED)
    this.#left = this.#ctx.group.leave(this, 'abandon')
    return this.#left
  }

  /** @internal Rebalance step: stop fetching and wait for the batches in flight (not after a crash). */
  async pause(): Promise<void> {
    this.#controller?.abort(PAUSED)
    this.#controller = null
    const runners = this.#runners
    this.#runners = []
    if (this.#state === 'crashed') return
    await Promise.race([Promise.all(runners), this.#crashed])
  }

  /** @internal Rebalance step: take a new assignment; newly assigned partitions resume from `resumeFrom`, the committed offset, or 0. */
  async assign(partitions: readonly TopicPartition[]): Promise<void> {
    const next = new Map(partitions.map((tp) => [topicPartitionKey(tp.topic, tp.partition), tp]))
    const added = partitions.filter((tp) => !this.#assignment.has(topicPartitionKey(tp.topic, tp.partition)))
    for (const key of this.#assignment.keys()) if (!next.has(key)) this.#positions.delete(key)
    this.#assignment = next
    const byTopic = new Map<string, number[]>()
    for (const tp of added) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition])
    for (const [topic, numbers] of byTopic) {
      const resumeFrom = this.#options.resumeFrom
      const resume = resumeFrom
        ? await retry(this.#ctx.clock, () => resumeFrom(topic, numbers), { ...this.#ctx.retry, operation: `resumeFrom("${topic}")` })
        : new Map<number, number>()
      for (const partition of numbers) this.#positions.set(topicPartitionKey(topic, partition), this.#startOffset(topic, partition, resume.get(partition)))
    }
  }

  /** @internal Rebalance step: start a fetch loop per assigned partition. */
  resume(): void {
    if (this.#state !== 'running' || this.#controller) return
    const controller = new AbortController()
    this.#controller = controller
    this.#runners = [...this.#assignment.values()].map((tp) => this.#run(tp, controller.signal))
  }

  /** @internal The group dropped this member because it could not take its partitions. */
  failed(error: unknown): void {
    if (this.#state === 'running') this.#state = 'failed'
    this.#left ??= Promise.resolve()
    this.#report(error)
  }

  #startOffset(topic: string, partition: number, resumed: number | undefined): number {
    const { startOffset: first, endOffset: end } = this.#ctx.partition(topic, partition)
    const committed = this.#ctx.group.committed(topic, partition)
    if (resumed === undefined) return this.#notBelow(first, Math.min(committed ?? 0, end), topic, partition, committed === undefined ? 'start' : 'committed offset')
    if (!Number.isSafeInteger(resumed) || resumed < 0) {
      throw new TwinflowError('config', `resumeFrom returned ${resumed} for ${topic}[${partition}]; expected an offset >= 0`, {
        context: { topic, partition, group: this.groupId },
      })
    }
    if (resumed > end) {
      this.#ctx.logger.warn('resume offset is past the end of the partition; resuming at the end', { topic, partition, resumed, end, group: this.groupId })
    }
    const start = this.#notBelow(first, Math.min(resumed, end), topic, partition, 'resume offset')
    // The sink's progress wins over the group's: record it, so that the group's offsets agree.
    if (start > (committed ?? 0)) this.#ctx.group.commit(topic, partition, start)
    return start
  }

  /** `offset`, or the partition's first offset when retention dropped the records below it (warned). */
  #notBelow(first: number, offset: number, topic: string, partition: number, what: string): number {
    if (offset >= first) return offset
    this.#ctx.logger.warn(`${what} is below the oldest record kept (retention dropped the records before it); resuming at the oldest record`, {
      topic,
      partition,
      offset,
      first,
      group: this.groupId,
      member: this.memberId,
    })
    return first
  }

  async #run(tp: TopicPartition, signal: AbortSignal): Promise<void> {
    const key = topicPartitionKey(tp.topic, tp.partition)
    const partition = this.#ctx.partition(tp.topic, tp.partition)
    while (!signal.aborted) {
      if (partition.endOffset <= this.#positions.get(key)!) {
        await partition.waitFor(this.#positions.get(key)!, signal)
        continue
      }
      let delivered: LogBatch | null
      try {
        delivered = await retry(
          this.#ctx.clock,
          async () => {
            const batch = await this.#fetch(tp, partition, key)
            if (batch === null || signal.aborted) return null
            await this.#options.eachBatch(batch)
            return batch
          },
          {
            ...this.#ctx.retry,
            signal,
            operation: `eachBatch of ${tp.topic}[${tp.partition}]`,
            onRetry: ({ error }) => this.#report(error),
          },
        )
      } catch (error) {
        if (this.#state === 'crashed' || (signal.aborted && error === signal.reason)) return
        this.#report(error)
        this.#fail()
        return
      }
      if (this.#state === 'crashed') return
      if (delivered === null) continue
      this.#positions.set(key, delivered.lastOffset + 1)
      this.#ctx.group.commit(tp.topic, tp.partition, delivered.lastOffset + 1)
    }
  }

  /** The next batch from the member's position; null when no record is there (any more). */
  async #fetch(tp: TopicPartition, partition: LogPartition, key: string): Promise<MemoryLogBatch | null> {
    const position = this.#positions.get(key)!
    const from = this.#notBelow(partition.startOffset, position, tp.topic, tp.partition, 'position')
    if (from !== position) this.#positions.set(key, from)
    const records = await partition.read(from, this.#maxBatchSize)
    if (records.length === 0) return null
    return {
      topic: tp.topic,
      partition: tp.partition,
      records,
      firstOffset: records[0]!.offset,
      lastOffset: records[records.length - 1]!.offset,
      highWatermark: partition.endOffset,
      signal: this.#alive.signal,
    }
  }

  /** A non-retriable failure: stop fetching everywhere, let the other batches in flight commit, leave. */
  #fail(): void {
    if (this.#state !== 'running') return
    this.#state = 'failed'
    this.#controller?.abort(PAUSED)
    this.#left = this.#ctx.group.leave(this, 'graceful')
  }

  #report(error: unknown): void {
    const onError = this.#options.onError
    if (!onError) {
      this.#ctx.logger.error('consumer batch failed', { error, group: this.groupId, member: this.memberId })
      return
    }
    try {
      onError(error)
    } catch (thrown) {
      this.#ctx.logger.error('onError threw', { error: thrown, group: this.groupId, member: this.memberId })
    }
  }
}
