import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { kafkaOptionsSchema } from './kafka-options.ts'

/** Options of the `kafka` sink plugin: the event log's connection, and the topic the notifications go to. */
export const kafkaSinkOptionsSchema = kafkaOptionsSchema.extend({
  /** The topic (created with `partitions` partitions if missing). */
  topic: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name (letters, digits, ".", "_" or "-")'),
  /** Partitions of the topic when the channel creates it. @default 1 */
  partitions: z.int().min(1).max(1024).default(1),
  /** What it delivers: view changes, alert events or both. @default ['view-changes', 'alert'] */
  kinds: z
    .array(z.enum(['view-changes', 'alert']))
    .min(1)
    .default(['view-changes', 'alert']),
})

export type KafkaSinkOptionsInput = z.input<typeof kafkaSinkOptionsSchema>
export type KafkaSinkOptions = z.output<typeof kafkaSinkOptionsSchema>

/** Validates the options of the kafka sink and fills in the defaults. */
export function parseKafkaSinkOptions(raw: unknown): KafkaSinkOptions {
  return parseOptions(kafkaSinkOptionsSchema, raw ?? {})
}
