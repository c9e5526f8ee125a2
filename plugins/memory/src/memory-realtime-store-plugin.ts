import { definePlugin } from '@twinflow/core'
import { MemoryRealtimeStore } from './memory-realtime-store.ts'
import { OptionsReader } from './options-reader.ts'

/** The embedded realtime store: `{ plugin: 'memory' }` (no options). */
export const memoryRealtimeStorePlugin = definePlugin<'realtime-store', Record<string, never>>({
  kind: 'realtime-store',
  name: 'memory',
  description: 'In-process realtime view store with offset fences (same semantics as the Redis store)',
  parseOptions: (raw) => {
    new OptionsReader(raw, [])
    return {}
  },
  create: () => new MemoryRealtimeStore(),
})
