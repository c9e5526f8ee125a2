import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs'
import { retry, systemClock, TwinflowError, type ConsumeOptions, type EventLog, type LogConsumer, type LogMessage, type Logger, type ProduceOptions } from '@twinflow/core'
import { createKafkaClient } from './create-kafka-client.ts'
import { KafkaCheckpoints } from './kafka-checkpoints.ts'
import { KafkaLogConsumer } from './kafka-log-consumer.ts'
import type { KafkaOptions } from './kafka-options.ts'
import { mapKafkaError } from './map-kafka-error.ts'

/** The compacted topic of writers' checkpoints (see KafkaCheckpoints). */
export const CHECKPOINT_TOPIC = 'twinflow.checkpoints'

/**
 * The production event log (kafkajs). Produces with an idempotent producer and acks=all;
 * consumers are consumer-group members that resume from the sink's recorded progress. Writers'
 * checkpoints go to a compacted topic after their messages (not atomically: see KafkaCheckpoints).
 */
export class KafkaEventLog implements EventLog {
  readonly atomicCheckpoints = false
  readonly #kafka: Kafka
  readonly #checkpoints: KafkaCheckpoints
  #admin: Admin | null = null
  #producer: Producer | null = null
  readonly #consumers = new Set<KafkaLogConsumer>()
  /** Topics seen to exist (produce and endOffsets check unknown ones first: a config error, not a retry loop). */
  readonly #knownTopics = new Set<string>()

  constructor(
    private readonly options: KafkaOptions,
    private readonly logger: Logger,
  ) {
    this.#kafka = createKafkaClient(options, logger)
    this.#checkpoints = new KafkaCheckpoints(this.#kafka, CHECKPOINT_TOPIC, options.replicationFactor, logger)
  }

  async connect(): Promise<void> {
    if (this.#admin) return
    const admin = this.#kafka.admin()
    // No auto-creation: producing to an unknown topic is a config error, not a new topic with broker defaults.
    const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner })
    try {
      await admin.connect()
      await producer.connect()
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect()])
      throw mapKafkaError(error, 'connect', { brokers: this.options.brokers })
    }
    this.#admin = admin
    this.#producer = producer
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#consumers].map((c) => c.stop()))
    this.#consumers.clear()
    await Promise.allSettled([this.#producer?.disconnect(), this.#admin?.disconnect()])
    this.#producer = null
    this.#admin = null
    this.#knownTopics.clear()
  }

  /**
   * Creates the topic if it does not exist. A freshly created topic's metadata can lag behind its
   * creation on a busy broker ("does not host this topic-partition"): retriable failures are retried
   * (4 more attempts, 0.5 s doubling) before the error is thrown.
   */
  async createTopic(topic: string, partitions: number): Promise<void> {
    await retry(systemClock, () => this.#createTopicOnce(topic, partitions), {
      retries: 4,
      initialDelayMs: 500,
      operation: `createTopic ${topic}`,
      onRetry: ({ attempt, delayMs, error }) => this.logger.warn('createTopic failed; retrying', { topic, attempt, delayMs, error }),
    })
  }

  async #createTopicOnce(topic: string, partitions: number): Promise<void> {
    const admin = this.#connected().admin
    try {
      // Asking first keeps every process start from logging the broker's "topic exists" error.
      const exists = (await admin.listTopics()).includes(topic)
      const created =
        !exists && (await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: this.options.replicationFactor }], waitForLeaders: true }))
      if (!created) {
        const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics
        const existing = meta?.partitions.length ?? 0
        if (existing < partitions) this.logger.warn('topic exists with fewer partitions than configured', { topic, existing, configured: partitions })
      }
      this.#knownTopics.add(topic)
    } catch (error) {
      throw mapKafkaError(error, 'createTopic', { topic })
    }
  }

  async produce(topic: string, messages: LogMessage[], options: ProduceOptions = {}): Promise<void> {
    const { admin, producer } = this.#connected()
    await this.#requireTopic(topic)
    if (options.checkpoint === undefined) {
      if (messages.length > 0) await this.#send(producer, topic, messages)
      return
    }
    // One produce call for the messages and their checkpoint: kafkajs sends one request per broker,
    // so where one broker leads the topic's partitions and the checkpoint topic's, a crash of this
    // process leaves both or neither; across brokers, the checkpoint may be missing (at-least-once).
    await this.#checkpoints.ensureTopic(admin)
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          ...(messages.length > 0 ? [{ topic, messages: messages.map(toKafkaMessage) }] : []),
          this.#checkpoints.message(options.checkpoint.key, options.checkpoint.value),
        ],
      })
    } catch (error) {
      throw mapKafkaError(error, 'produce', { topic, messages: messages.length, checkpoint: options.checkpoint.key })
    }
  }

  loadCheckpoint(key: string): Promise<string | null> {
    return this.#checkpoints.load(this.#connected().admin, key)
  }

  async #send(producer: Producer, topic: string, messages: LogMessage[]): Promise<void> {
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map(toKafkaMessage),
      })
    } catch (error) {
      throw mapKafkaError(error, 'produce', { topic, messages: messages.length })
    }
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    const admin = this.#connected().admin
    await this.#requireTopic(topic)
    try {
      return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]))
    } catch (error) {
      throw mapKafkaError(error, 'endOffsets', { topic })
    }
  }

  async consume(options: ConsumeOptions): Promise<LogConsumer> {
    this.#connected()
    const consumer = new KafkaLogConsumer(this.#kafka, options, this.options, this.logger.child({ groupId: options.groupId }))
    await consumer.start()
    this.#consumers.add(consumer)
    return {
      stop: async () => {
        this.#consumers.delete(consumer)
        await consumer.stop()
      },
    }
  }

  async #requireTopic(topic: string): Promise<void> {
    if (this.#knownTopics.has(topic)) return
    let topics: string[]
    try {
      topics = await this.#connected().admin.listTopics()
    } catch (error) {
      throw mapKafkaError(error, 'listTopics', { topic })
    }
    if (!topics.includes(topic)) {
      throw new TwinflowError('config', `unknown Kafka topic "${topic}" (create it with createTopic; Twinflow does not rely on auto-creation)`, { context: { topic } })
    }
    this.#knownTopics.add(topic)
  }

  #connected(): { admin: Admin; producer: Producer } {
    if (!this.#admin || !this.#producer) throw new TwinflowError('internal', 'the kafka event log is not connected: call connect() first')
    return { admin: this.#admin, producer: this.#producer }
  }
}

function toKafkaMessage(m: LogMessage) {
  return { key: m.key ?? null, value: m.value, headers: m.headers, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) }
}
