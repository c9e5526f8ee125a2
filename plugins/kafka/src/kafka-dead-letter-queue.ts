import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { TwinflowError, type DeadLetter, type DeadLetterPage, type DeadLetterQuery, type DeadLetterQueue, type Logger } from '@twinflow/core'
import { createKafkaClient } from './create-kafka-client.ts'
import { deadLetterMessage } from './kafka-dead-letter-message.ts'
import type { KafkaDeadLetterQueueOptions } from './kafka-dead-letter-queue-options.ts'
import { KafkaDeadLetterTail } from './kafka-dead-letter-tail.ts'
import { mapKafkaError } from './map-kafka-error.ts'

/**
 * Dead letters as Kafka messages: the raw payload as the value, where it came from as the key
 * (`topic:partition:offset`, so that a compacted topic keeps one letter per input), and the
 * reason, stage and stream in `twinflow-*` headers. Reads come from a tail of the topic's newest
 * `readTail` letters, which the process follows from its first read on (KafkaDeadLetterTail).
 */
export class KafkaDeadLetterQueue implements DeadLetterQueue {
  readonly #kafka: Kafka
  #producer: Producer | null = null
  readonly #counts = new Map<string, number>()
  readonly #tail: KafkaDeadLetterTail

  constructor(
    private readonly options: KafkaDeadLetterQueueOptions,
    logger: Logger,
  ) {
    this.#kafka = createKafkaClient(options, logger)
    this.#tail = new KafkaDeadLetterTail(this.#kafka, options.topic, options.readTail, logger)
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
    await this.#tail.stop()
    await this.#producer?.disconnect()
    this.#producer = null
  }

  async read(query: DeadLetterQuery): Promise<DeadLetterPage> {
    if (!this.#producer) throw new TwinflowError('unavailable', 'the kafka dead-letter queue is not connected: call connect() first', { retriable: false })
    await this.#tail.caughtUp()
    return this.#tail.tail.read(query)
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return
    if (!this.#producer) throw new TwinflowError('unavailable', 'the kafka dead-letter queue is not connected: call connect() first', { retriable: false })
    try {
      await this.#producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: letters.map(deadLetterMessage),
      })
    } catch (error) {
      throw mapKafkaError(error, 'dead-letter write', { topic: this.options.topic, letters: letters.length })
    }
    for (const l of letters) this.#counts.set(`${l.stream}/${l.stage}`, (this.#counts.get(`${l.stream}/${l.stage}`) ?? 0) + 1)
  }

  counts(): ReadonlyMap<string, number> {
    return this.#counts
  }
}
