import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { encodeNotification, TwinflowError, type Logger, type Notification, type NotificationKind, type Sink } from '@twinflow/core'
import { createKafkaClient } from './create-kafka-client.ts'
import type { KafkaSinkOptions } from './kafka-sink-options.ts'
import { mapKafkaError } from './map-kafka-error.ts'

/** The key of a notification's message: what must stay in order goes to one partition. */
export function notificationKey(notification: Notification): string {
  switch (notification.kind) {
    case 'view-changes':
      // One log partition's changes stay in their order.
      return `${notification.batch.topic}/${notification.batch.partition}`
    case 'alert':
      // One group's firing, re-notifications and resolve stay in their order.
      return `${notification.alert.rule}/${JSON.stringify(Object.entries(notification.alert.group))}`
    case 'report':
      return notification.report.name
  }
}

/**
 * A notification channel to a Kafka topic, for other systems: view changes and alert events as
 * messages whose value is the notification's JSON (`encodeNotification`), keyed so that what must
 * stay in order shares a partition (`notificationKey`: a log partition's view changes, an alert
 * group's events), with `twinflow-id` (the idempotency key) and `twinflow-kind` headers. The
 * producer is idempotent and waits for every in-sync replica (acks -1).
 * Errors: kafkajs's, with their `retriable` (a broker that is down is retried, then dead-lettered);
 * a delivery on a channel whose connection failed connects again.
 */
export class KafkaSink implements Sink {
  readonly accepts: readonly NotificationKind[]
  readonly #kafka: Kafka
  #producer: Producer | null = null
  #connecting: Promise<Producer> | null = null
  #open = false

  constructor(
    readonly name: string,
    private readonly options: KafkaSinkOptions,
    logger: Logger,
  ) {
    this.accepts = options.kinds
    // Few retries of its own: Twinflow's delivery retries, with backoff, and dead-letters.
    this.#kafka = createKafkaClient(options, logger, { retries: 1, initialRetryTime: 200 })
  }

  /** The topic the notifications go to. */
  get topic(): string {
    return this.options.topic
  }

  /** Creates the topic if missing and connects the producer; a broker that does not answer is a retriable error (a delivery connects again). */
  async connect(): Promise<void> {
    this.#open = true
    await this.#connected()
  }

  async close(): Promise<void> {
    this.#open = false
    const producer = this.#producer ?? (await this.#connecting?.catch(() => null))
    this.#producer = null
    this.#connecting = null
    await producer?.disconnect()
  }

  #connected(): Promise<Producer> {
    if (this.#producer) return Promise.resolve(this.#producer)
    this.#connecting ??= (async () => {
      const admin = this.#kafka.admin()
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
      try {
        await admin.connect()
        if (!(await admin.listTopics()).includes(this.options.topic)) {
          await admin.createTopics({
            topics: [{ topic: this.options.topic, numPartitions: this.options.partitions, replicationFactor: this.options.replicationFactor }],
            waitForLeaders: true,
          })
        }
        await producer.connect()
      } catch (error) {
        await producer.disconnect().catch(() => {})
        throw new TwinflowError('unavailable', `channel "${this.name}" cannot reach Kafka: ${(error as Error).message}`, { cause: error, context: { topic: this.options.topic } })
      } finally {
        await admin.disconnect().catch(() => {})
      }
      this.#producer = producer
      return producer
    })().finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  async deliver(notification: Notification, signal: AbortSignal): Promise<void> {
    if (!this.#open) throw new TwinflowError('unavailable', `channel "${this.name}" is not connected (call connect() first)`, { retriable: false })
    if (!this.accepts.includes(notification.kind)) throw new TwinflowError('validation', `channel "${this.name}" takes ${this.accepts.join(', ')}, not ${notification.kind}`)
    signal.throwIfAborted()
    const producer = await this.#connected()
    signal.throwIfAborted()
    try {
      await producer.send({
        topic: this.options.topic,
        acks: -1,
        messages: [
          {
            key: notificationKey(notification),
            value: JSON.stringify(encodeNotification(notification)),
            headers: { 'twinflow-id': notification.id, 'twinflow-kind': notification.kind },
          },
        ],
      })
    } catch (error) {
      throw mapKafkaError(error, `channel "${this.name}" send`, { topic: this.options.topic, notification: notification.id })
    }
  }
}
