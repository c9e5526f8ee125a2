import { randomUUID } from 'node:crypto'
import type { Admin, Kafka } from 'kafkajs'
import type { Logger } from '@twinflow/core'
import { mapKafkaError } from './map-kafka-error.ts'

/**
 * Writers' checkpoints in a compacted Kafka topic (one partition, the newest value per key kept),
 * as Kafka Connect keeps source offsets. A checkpoint is sent in the same produce call as the
 * messages it follows: one request per broker, so it is atomic against a crash of the producing
 * process where one broker leads both topics' partitions, and at-least-once across brokers (Kafka
 * has no atomic write across brokers short of transactions, which would break the log's dense offsets).
 */
export class KafkaCheckpoints {
  #ready: Promise<void> | null = null

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly replicationFactor: number,
    private readonly logger: Logger,
  ) {}

  /** Creates the compacted topic if missing (once per process). */
  ensureTopic(admin: Admin): Promise<void> {
    this.#ready ??= (async () => {
      try {
        if ((await admin.listTopics()).includes(this.topic)) return
        await admin.createTopics({
          topics: [{ topic: this.topic, numPartitions: 1, replicationFactor: this.replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
          waitForLeaders: true,
        })
      } catch (error) {
        this.#ready = null
        throw mapKafkaError(error, 'create checkpoint topic', { topic: this.topic })
      }
    })()
    return this.#ready
  }

  /** A checkpoint as a message of the topic, to send with the messages it follows (see KafkaEventLog.produce). */
  message(key: string, value: string): { topic: string; messages: { key: string; value: string }[] } {
    return { topic: this.topic, messages: [{ key, value }] }
  }

  /** Reads the topic from its start to its end (a consumer group of its own) and returns the newest value of `key`. */
  async load(admin: Admin, key: string): Promise<string | null> {
    await this.ensureTopic(admin)
    let end: number
    try {
      end = Number((await admin.fetchTopicOffsets(this.topic))[0]?.high ?? 0)
    } catch (error) {
      throw mapKafkaError(error, 'read checkpoint offsets', { topic: this.topic })
    }
    if (end === 0) return null
    const consumer = this.kafka.consumer({ groupId: `twinflow-checkpoint-reader-${randomUUID()}`, maxWaitTimeInMs: 200 })
    let value: string | null = null
    try {
      await consumer.connect()
      await consumer.subscribe({ topic: this.topic, fromBeginning: true })
      await new Promise<void>((done, fail) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              if (message.key?.toString() === key) value = message.value === null ? null : message.value.toString()
              if (Number(message.offset) + 1 >= end) done()
            },
          })
          .catch(fail)
      })
    } catch (error) {
      throw mapKafkaError(error, 'load checkpoint', { topic: this.topic, key })
    } finally {
      await consumer.disconnect().catch((error: unknown) => this.logger.warn('checkpoint reader did not disconnect cleanly', { error }))
    }
    return value
  }
}
