import { definePlugin } from '@twinflow/core'
import { MemoryEventLog } from './memory-event-log.ts'
import { parseMemoryEventLogOptions, type ResolvedMemoryEventLogOptions } from './memory-event-log-options.ts'

/** The embedded event log: `{ plugin: 'memory', options: { defaultPartitions, autoCreateTopics, retry } }`. */
export const memoryEventLogPlugin = definePlugin<'event-log', ResolvedMemoryEventLogOptions>({
  kind: 'event-log',
  name: 'memory',
  description: 'In-process partitioned log with consumer groups (Kafka semantics, nothing persisted)',
  parseOptions: parseMemoryEventLogOptions,
  create: (options, { clock, logger }) => new MemoryEventLog(options, { clock, logger }),
})
