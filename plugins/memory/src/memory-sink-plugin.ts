import { definePlugin } from '@twinflow/core'
import { MemorySink } from './memory-sink.ts'
import { OptionsReader } from './options-reader.ts'

/** A sink that keeps the realtime view changes in memory: `{ plugin: 'memory' }` (no options). */
export const memorySinkPlugin = definePlugin<'sink', Record<string, never>>({
  kind: 'sink',
  name: 'memory',
  description: 'Keeps every applied batch of realtime view changes in memory',
  parseOptions: (raw) => {
    new OptionsReader(raw, [])
    return {}
  },
  create: (_options, { instanceName }) => new MemorySink(instanceName),
})
