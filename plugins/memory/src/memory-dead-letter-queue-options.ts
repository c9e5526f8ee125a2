import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Options of the `memory` dead-letter-queue plugin. */
export const memoryDeadLetterQueueOptionsSchema = z.strictObject({
  /**
   * How many letters `letters()` keeps (the oldest go first, with a warning the first time).
   * `counts()` keeps counting every letter. @default 10000
   */
  maxLetters: z.int().min(1).default(10_000),
})

export type MemoryDeadLetterQueueOptions = z.input<typeof memoryDeadLetterQueueOptionsSchema>
export type ResolvedMemoryDeadLetterQueueOptions = z.output<typeof memoryDeadLetterQueueOptionsSchema>

/** Validates the memory dead-letter queue's options and fills in the defaults. */
export function parseMemoryDeadLetterQueueOptions(raw: unknown): ResolvedMemoryDeadLetterQueueOptions {
  return parseOptions(memoryDeadLetterQueueOptionsSchema, raw ?? {})
}
