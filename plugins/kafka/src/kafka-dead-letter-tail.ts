import { randomUUID } from 'node:crypto'
import type { Consumer, Kafka } from 'kafkajs'
import { DeadLetterTail, type Logger } from '@twinflow/core'
import { deadLetterOf } from './kafka-dead-letter-message.ts'
import { mapKafkaError } from './map-kafka-error.ts'

/**
 * The newest letters of a dead-letter topic (one partition), followed from the first read on by
 * a consumer of a group of its own that starts `capacity` letters before the end. `caughtUp()`
 * resolves once the tail holds every letter the topic had when it was called, so a read is never
 * older than its request.
 */
export class KafkaDeadLetterTail {
  readonly tail: DeadLetterTail
  #consumer: Consumer | null = null
  #starting: Promise<void> | null = null
  /** Next offset the consumer will read. */
  #position = 0
  readonly #waiters = new Set<{ offset: number; done: () => void }>()

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    capacity: number,
    private readonly logger: Logger,
  ) {
    this.tail = new DeadLetterTail(capacity)
  }

  /** Starts following the topic if it does not yet, then waits until everything it holds now is in the tail. */
  async caughtUp(): Promise<void> {
    this.#starting ??= this.#start().catch((error: unknown) => {
      this.#starting = null
      throw error
    })
    await this.#starting
    const end = await this.#end()
    if (this.#position >= end) return
    await new Promise<void>((done) => {
      const waiter = { offset: end, done }
      this.#waiters.add(waiter)
    })
  }

  async stop(): Promise<void> {
    const consumer = this.#consumer
    this.#consumer = null
    this.#starting = null
    for (const waiter of this.#waiters) waiter.done()
    this.#waiters.clear()
    await consumer?.disconnect()
  }

  async #end(): Promise<number> {
    const admin = this.kafka.admin()
    try {
      await admin.connect()
      return Number((await admin.fetchTopicOffsets(this.topic))[0]?.high ?? 0)
    } catch (error) {
      throw mapKafkaError(error, 'dead-letter topic end', { topic: this.topic })
    } finally {
      await admin.disconnect().catch(() => {})
    }
  }

  async #start(): Promise<void> {
    const end = await this.#end()
    const from = Math.max(0, end - this.tail.capacity)
    const consumer = this.kafka.consumer({ groupId: `twinflow-dead-letter-reader-${randomUUID()}`, maxWaitTimeInMs: 200 })
    try {
      await consumer.connect()
      await consumer.subscribe({ topic: this.topic, fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ message }) => {
          this.tail.add(deadLetterOf(message))
          this.#position = Number(message.offset) + 1
          for (const waiter of this.#waiters) {
            if (this.#position >= waiter.offset) {
              this.#waiters.delete(waiter)
              waiter.done()
            }
          }
        },
      })
      consumer.seek({ topic: this.topic, partition: 0, offset: String(from) })
      this.#position = from
    } catch (error) {
      await consumer.disconnect().catch(() => {})
      throw mapKafkaError(error, 'follow the dead-letter topic', { topic: this.topic })
    }
    this.#consumer = consumer
    this.logger.info('following the dead-letter topic for reads', { topic: this.topic, from, end })
  }
}
