import { definePlugin } from '@twinflow/core'
import { MemoryDeadLetterQueue } from './memory-dead-letter-queue.ts'
import { parseMemoryDeadLetterQueueOptions, type ResolvedMemoryDeadLetterQueueOptions } from './memory-dead-letter-queue-options.ts'

/** The embedded dead-letter queue: `{ plugin: 'memory', options: { maxLetters } }`. */
export const memoryDeadLetterQueuePlugin = definePlugin<'dead-letter-queue', ResolvedMemoryDeadLetterQueueOptions>({
  kind: 'dead-letter-queue',
  name: 'memory',
  description: 'Keeps invalid inputs in memory, with counts per stream and stage',
  parseOptions: parseMemoryDeadLetterQueueOptions,
  create: (options, { logger }) => new MemoryDeadLetterQueue(options, { logger }),
})
