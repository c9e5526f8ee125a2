import { definePlugin, parseOptions } from '@twinflow/core'
import { MemorySink } from './memory-sink.ts'
import { memorySinkOptionsSchema, type MemorySinkOptions } from './memory-sink-options.ts'

/** A sink that keeps the realtime view changes in memory: `{ plugin: 'memory' }` (no options). */
export const memorySinkPlugin = definePlugin<'sink', MemorySinkOptions>({
  kind: 'sink',
  name: 'memory',
  description: 'Keeps every applied batch of realtime view changes in memory',
  parseOptions: (raw) => parseOptions(memorySinkOptionsSchema, raw ?? {}),
  create: (_options, { instanceName }) => new MemorySink(instanceName),
})
