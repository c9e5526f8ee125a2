import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs'
import type { ConsumeOptions, LogConsumer, LogRecord, Logger } from '@twinflow/core'
import type { KafkaOptions } from './kafka-options'
import { mapKafkaError } from './map-kafka-error'

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`

function toRecord(m: KafkaMessage): LogRecord {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(m.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v)
  return { offset: Number(m.offset), key: m.key ? m.key.toString() : null, value: m.value ?? Buffer.alloc(0), timestamp: Number(m.timestamp), headers }
}

/**
 * A consumer-group member on Kafka. On every assignment it asks `resumeFrom` where the sink's own
 * progress stands and seeks there (the sink, not the group's committed offset, is the truth); until
 * the seek takes effect, records below that offset are skipped. Batches are split to
 * `maxBatchSize`, and each part's offset is resolved and committed after the handler resolves.
 */
export class KafkaLogConsumer implements LogConsumer {
  readonly #consumer: Consumer
  readonly #startAt = new Map<string, number>()
  #ready: Promise<void> = Promise.resolve()
  #stopped: Promise<void> | null = null

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    kafkaOptions: KafkaOptions,
    private readonly logger: Logger,
  ) {
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: kafkaOptions.sessionTimeoutMs,
      heartbeatInterval: kafkaOptions.heartbeatIntervalMs,
      maxBytesPerPartition: kafkaOptions.maxBytesPerPartition,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000 },
    })
  }

  async start(): Promise<void> {
    const consumer = this.#consumer
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#ready = this.#onAssignment(payload.memberAssignment)
    })
    consumer.on(consumer.events.CRASH, ({ payload }) => {
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

  async #eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.#ready
    const startAt = this.#startAt.get(tp(batch.topic, batch.partition)) ?? 0
    const records = batch.messages.filter((m) => Number(m.offset) >= startAt).map(toRecord)
    const max = this.options.maxBatchSize ?? 1000
    for (let i = 0; i < records.length; i += max) {
      if (!isRunning() || isStale()) return
      const part = records.slice(i, i + max)
      await this.options.eachBatch({
        topic: batch.topic,
        partition: batch.partition,
        records: part,
        firstOffset: part[0]!.offset,
        lastOffset: part[part.length - 1]!.offset,
        highWatermark: Number(batch.highWatermark),
      })
      resolveOffset(String(part[part.length - 1]!.offset))
      await heartbeat()
      await commitOffsetsIfNecessary()
    }
    if (records.length === 0 && batch.messages.length > 0) {
      resolveOffset(batch.lastOffset())
      await commitOffsetsIfNecessary()
    }
  }
}
