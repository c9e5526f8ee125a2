import { definePlugin, parseOptions } from '@twinflow/core'
import { MemorySink } from './memory-sink.ts'
import { memorySinkOptionsSchema, type MemorySinkOptions } from './memory-sink-options.ts'

/** A channel that keeps every notification in memory: `{ plugin: 'memory' }` (no options). */
export const memorySinkPlugin = definePlugin<'sink', MemorySinkOptions>({
  kind: 'sink',
  name: 'memory',
  description: 'Keeps every notification (view changes, alert events, reports) in memory',
  parseOptions: (raw) => parseOptions(memorySinkOptionsSchema, raw ?? {}),
  create: (_options, { instanceName }) => new MemorySink(instanceName),
})
