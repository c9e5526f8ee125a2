import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { kafkaOptionsSchema } from './kafka-options.ts'

/** Options of the `kafka` dead-letter-queue plugin: the event log's, and the topic of the letters. */
export const kafkaDeadLetterQueueOptionsSchema = kafkaOptionsSchema.extend({
  /** @default 'twinflow.dead-letters' */
  topic: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name (letters, digits, ".", "_" or "-")')
    .default('twinflow.dead-letters'),
  /**
   * How many of the topic's newest letters a process keeps to answer `read` (a tail it follows
   * from the first read on; older letters stay in the topic, for its retention). @default 10000
   */
  readTail: z.int().min(1).max(1_000_000).default(10_000),
})

export type KafkaDeadLetterQueueOptionsInput = z.input<typeof kafkaDeadLetterQueueOptionsSchema>
export type KafkaDeadLetterQueueOptions = z.output<typeof kafkaDeadLetterQueueOptionsSchema>

/** Validates the options of the kafka dead-letter queue and fills in the defaults. */
export function parseKafkaDeadLetterQueueOptions(raw: unknown): KafkaDeadLetterQueueOptions {
  return parseOptions(kafkaDeadLetterQueueOptionsSchema, raw ?? {})
}
