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
})

export type KafkaDeadLetterQueueOptionsInput = z.input<typeof kafkaDeadLetterQueueOptionsSchema>
export type KafkaDeadLetterQueueOptions = z.output<typeof kafkaDeadLetterQueueOptionsSchema>

/** Validates the options of the kafka dead-letter queue and fills in the defaults. */
export function parseKafkaDeadLetterQueueOptions(raw: unknown): KafkaDeadLetterQueueOptions {
  return parseOptions(kafkaDeadLetterQueueOptionsSchema, raw ?? {})
}
