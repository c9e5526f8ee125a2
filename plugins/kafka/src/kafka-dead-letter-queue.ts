import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { TwinflowError, type DeadLetter, type DeadLetterQueue, type Logger } from '@twinflow/core'
import { createKafkaClient } from './create-kafka-client.ts'
import type { KafkaDeadLetterQueueOptions } from './kafka-dead-letter-queue-options.ts'
import { mapKafkaError } from './map-kafka-error.ts'

/**
 * Dead letters as Kafka messages: the raw payload as the value, where it came from as the key
 * (`topic:partition:offset`, so that a compacted topic keeps one letter per input), and the
 * reason, stage and stream in `twinflow-*` headers.
 */
/** How many of the newest letters `recent` keeps, and how much of each payload. */
const RECENT_LETTERS = 100
const RECENT_PAYLOAD_BYTES = 1024

export class KafkaDeadLetterQueue implements DeadLetterQueue {
  readonly #kafka: Kafka
  #producer: Producer | null = null
  readonly #counts = new Map<string, number>()
  /** The newest letters written, oldest first, their payloads cut to RECENT_PAYLOAD_BYTES. */
  readonly #recent: DeadLetter[] = []

  constructor(
    private readonly options: KafkaDeadLetterQueueOptions,
    logger: Logger,
  ) {
    this.#kafka = createKafkaClient(options, logger)
  }

  /** The topic the letters go to. */
  get topic(): string {
    return this.options.topic
  }

  async connect(): Promise<void> {
    if (this.#producer) return
    const admin = this.#kafka.admin()
    const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
    try {
      await admin.connect()
      if (!(await admin.listTopics()).includes(this.options.topic)) {
        await admin.createTopics({ topics: [{ topic: this.options.topic, numPartitions: 1, replicationFactor: this.options.replicationFactor }], waitForLeaders: true })
      }
      await producer.connect()
    } catch (error) {
      await producer.disconnect().catch(() => {})
      throw mapKafkaError(error, 'dead-letter connect', { topic: this.options.topic })
    } finally {
      await admin.disconnect().catch(() => {})
    }
    this.#producer = producer
  }

  async close(): Promise<void> {
    await this.#producer?.disconnect()
    this.#producer = null
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    if (!this.#producer) throw new TwinflowError('unavailable', 'the kafka dead-letter queue is not connected: call connect() first', { retriable: false })
    try {
      await this.#producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: letters.map((l) => ({
          key: l.topic === undefined ? null : `${l.topic}:${l.partition}:${l.offset}`,
          value: l.payload,
          headers: {
            'twinflow-reason': l.reason,
            'twinflow-stage': l.stage,
            'twinflow-stream': l.stream,
            'twinflow-at': String(l.at),
            ...(l.topic === undefined ? {} : { 'twinflow-topic': l.topic, 'twinflow-partition': String(l.partition), 'twinflow-offset': String(l.offset) }),
          },
        })),
      })
    } catch (error) {
      throw mapKafkaError(error, 'dead-letter write', { topic: this.options.topic, letters: letters.length })
    }
    for (const l of letters) this.#counts.set(`${l.stream}/${l.stage}`, (this.#counts.get(`${l.stream}/${l.stage}`) ?? 0) + 1)
    for (const l of letters.slice(-RECENT_LETTERS)) this.#recent.push({ ...l, payload: Buffer.from(l.payload.subarray(0, RECENT_PAYLOAD_BYTES)) })
    if (this.#recent.length > RECENT_LETTERS) this.#recent.splice(0, this.#recent.length - RECENT_LETTERS)
  }

  /** The newest letters this process wrote (at most 100 are kept, with their first KiB), newest first. */
  recent(limit: number): readonly DeadLetter[] {
    return this.#recent.slice(-limit).reverse()
  }

  counts(): ReadonlyMap<string, number> {
    return this.#counts
  }
}
