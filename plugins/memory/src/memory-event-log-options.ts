import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** How the memory log redelivers a batch whose handler rejected with a retriable error. */
export const memoryRetryPolicySchema = z.strictObject({
  /** Redeliveries before the member gives up and stops. @default 5 */
  retries: z.int().min(0).default(5),
  /** Delay before the first redelivery, in ms (doubled each time, with jitter). @default 300 */
  initialDelayMs: z.int().min(0).default(300),
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs: z.int().min(0).default(30_000),
})

export type MemoryRetryPolicy = z.output<typeof memoryRetryPolicySchema>

/** Options of the `memory` event-log plugin. */
export const memoryEventLogOptionsSchema = z.strictObject({
  /** Partitions of a topic created on first use (see `autoCreateTopics`). @default 1 */
  defaultPartitions: z.int().min(1).default(1),
  /**
   * Creates an unknown topic on `produce` or `consume` with `defaultPartitions` partitions, like
   * Kafka's `auto.create.topics.enable`. When off, an unknown topic is a `config` error.
   * @default false
   */
  autoCreateTopics: z.boolean().default(false),
  /** Redelivery of batches whose handler failed with a retriable error. */
  retry: memoryRetryPolicySchema.prefault({}),
})

export type MemoryEventLogOptions = z.input<typeof memoryEventLogOptionsSchema>
export type ResolvedMemoryEventLogOptions = z.output<typeof memoryEventLogOptionsSchema>

/** Validates the memory log's options (from code or a config file) and fills in the defaults. */
export function parseMemoryEventLogOptions(raw: unknown): ResolvedMemoryEventLogOptions {
  return parseOptions(memoryEventLogOptionsSchema, raw ?? {})
}
