import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs'
import type { ConsumeOptions, LogConsumer, LogRecord, Logger } from '@twinflow/core'
import type { KafkaOptions } from './kafka-options'
import { KafkaLogRecord } from './kafka-log-record'
import { mapKafkaError } from './map-kafka-error'

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`

/**
 * A heartbeat error that means this member no longer owns its partitions: the group is
 * rebalancing (kafkajs's own test, `isRebalancing`) or the coordinator expired the member.
 */
function lostPartitions(error: unknown): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID'
}

function rootCause(error: unknown): unknown {
  let e = error
  for (let depth = 0; depth < 10 && e && typeof e === 'object' && 'cause' in e && (e as { cause?: unknown }).cause; depth++) e = (e as { cause: unknown }).cause
  return e
}

/**
 * A consumer-group member on Kafka. On every assignment it asks `resumeFrom` where the sink's own
 * progress stands and seeks there (the sink, not the group's committed offset, is the truth); until
 * the seek takes effect, records below that offset are skipped and batches fetched before it are
 * left alone (kafkajs marks them stale). When `resumeFrom` fails (the sink is down), the batch fails
 * with that error and the next batch asks again. Batches are split to `maxBatchSize`, and each
 * part's offset is resolved and committed after the handler resolves.
 *
 * While a batch is handled the member keeps heartbeating; when a heartbeat says the member lost its
 * partitions (the group rebalances, or the coordinator expired the member), the batch's `signal`
 * aborts, its offsets stay unresolved, and kafkajs rejoins the group: that is not reported as a
 * failure.
 *
 * Every failure of the handler is reported to `onError` as it was thrown, then kafkajs retries
 * retriable ones from the last resolved offset and stops the member on the others (it leaves the
 * group, so another member gets the partitions and the batch again). Other crashes of kafkajs are
 * reported once, mapped to TwinflowErrors.
 */
export class KafkaLogConsumer implements LogConsumer {
  readonly #consumer: Consumer
  readonly #startAt = new Map<string, number>()
  readonly #reported = new WeakSet<object>()
  #assignment: Record<string, number[]> = {}
  #ready: Promise<void> | null = null
  #stopped: Promise<void> | null = null
  readonly #heartbeatIntervalMs: number

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    kafkaOptions: KafkaOptions,
    private readonly logger: Logger,
  ) {
    this.#heartbeatIntervalMs = kafkaOptions.heartbeatIntervalMs
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: kafkaOptions.sessionTimeoutMs,
      heartbeatInterval: kafkaOptions.heartbeatIntervalMs,
      maxBytesPerPartition: kafkaOptions.maxBytesPerPartition,
      maxWaitTimeInMs: kafkaOptions.maxWaitTimeMs,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000 },
    })
  }

  async start(): Promise<void> {
    const consumer = this.#consumer
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#assignment = payload.memberAssignment
      this.#ready = this.#resume()
    })
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const cause = rootCause(payload.error)
      if (typeof cause === 'object' && cause !== null && this.#reported.has(cause)) {
        this.logger.warn('kafka consumer stopped after a failed batch', { groupId: payload.groupId, restart: payload.restart })
        return
      }
      this.logger.error('kafka consumer crashed', { error: payload.error, groupId: payload.groupId, restart: payload.restart })
      this.options.onError?.(mapKafkaError(payload.error, 'consume', { groupId: payload.groupId, restart: payload.restart }))
    })
    try {
      await consumer.connect()
      for (const topic of this.options.topics) await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({ eachBatchAutoResolve: false, autoCommit: true, partitionsConsumedConcurrently: 4, eachBatch: (payload) => this.#eachBatch(payload) })
    } catch (error) {
      await consumer.disconnect().catch(() => {})
      throw mapKafkaError(error, 'consumer start', { groupId: this.options.groupId, topics: this.options.topics })
    }
  }

  stop(): Promise<void> {
    // disconnect() waits for the batch in flight, commits resolved offsets and leaves the group.
    this.#stopped ??= this.#consumer.disconnect()
    return this.#stopped
  }

  /** Seeks the assigned partitions to the sink's progress. Settled on its own: a failure is handled by the next batch. */
  #resume(): Promise<void> {
    const resuming = this.#onAssignment(this.#assignment)
    resuming.catch((error: unknown) => this.logger.warn('reading the resume offsets failed; the next batch tries again', { error }))
    return resuming
  }

  async #onAssignment(assignment: Record<string, number[]>): Promise<void> {
    if (!this.options.resumeFrom) return
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (partitions.length === 0) continue
      const resume = await this.options.resumeFrom(topic, partitions)
      for (const [partition, offset] of resume) {
        this.#startAt.set(tp(topic, partition), offset)
        this.#consumer.seek({ topic, partition, offset: String(offset) })
      }
      this.logger.info('partitions assigned', { topic, partitions, resumeFrom: Object.fromEntries(resume) })
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    try {
      await this.#process(payload)
    } catch (error) {
      // A batch stopped because the member lost its partitions is no failure: kafkajs rejoins the group.
      if (lostPartitions(error)) throw error
      if (typeof error === 'object' && error !== null) this.#reported.add(error)
      this.options.onError?.(error)
      throw error
    }
  }

  async #process({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const ready = (this.#ready ??= this.#resume())
    try {
      await ready
    } catch (error) {
      if (this.#ready === ready) this.#ready = null
      throw error
    }
    if (isStale()) return
    const startAt = this.#startAt.get(tp(batch.topic, batch.partition)) ?? 0
    const records: LogRecord[] = []
    for (const m of batch.messages) {
      const offset = Number(m.offset)
      if (offset >= startAt) records.push(new KafkaLogRecord(m, offset))
    }
    const max = this.options.maxBatchSize ?? 1000
    // kafkajs heartbeats only when asked. While a batch is handled it is asked every heartbeat
    // interval, so that a rebalance (or the member's expiry) is learnt of during the batch: the
    // batch's signal then aborts, the handler stops before its next write, and the batch's offsets
    // stay unresolved (whoever owns the partition next gets it again).
    const lost = new AbortController()
    const ticker = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (lostPartitions(error)) lost.abort(error)
      })
    }, this.#heartbeatIntervalMs)
    try {
      for (let i = 0; i < records.length; i += max) {
        if (!isRunning() || isStale()) return
        const part = records.slice(i, i + max)
        try {
          await this.options.eachBatch({
            topic: batch.topic,
            partition: batch.partition,
            records: part,
            firstOffset: part[0]!.offset,
            lastOffset: part[part.length - 1]!.offset,
            highWatermark: Number(batch.highWatermark),
            signal: lost.signal,
          })
        } catch (error) {
          throw lost.signal.aborted ? lost.signal.reason : error
        }
        if (lost.signal.aborted) throw lost.signal.reason
        resolveOffset(String(part[part.length - 1]!.offset))
        await heartbeat()
        await commitOffsetsIfNecessary()
      }
    } finally {
      clearInterval(ticker)
    }
    if (records.length === 0 && batch.messages.length > 0) {
      resolveOffset(batch.lastOffset())
      await commitOffsetsIfNecessary()
    }
  }
}
