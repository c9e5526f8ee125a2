import { join } from 'node:path'
import { definePlugin, parseOptions } from '@twinflow/core'
import { MemoryRealtimeStore } from './memory-realtime-store.ts'
import { memoryRealtimeStoreOptionsSchema, type MemoryRealtimeStoreOptions } from './memory-realtime-store-options.ts'

/**
 * The embedded realtime store: `{ plugin: 'memory' }` (no options). Its windows live in the
 * process; its alert states in `<dataDir>/realtime-store/alert-states.json`.
 */
export const memoryRealtimeStorePlugin = definePlugin<'realtime-store', MemoryRealtimeStoreOptions>({
  kind: 'realtime-store',
  name: 'memory',
  description: 'In-process realtime view store with offset fences (same semantics as the Redis store)',
  parseOptions: (raw) => parseOptions(memoryRealtimeStoreOptionsSchema, raw ?? {}),
  usesDataDirectory: () => true,
  create: (_options, { dataDir, clock }) => new MemoryRealtimeStore({ alertStateFile: join(dataDir, 'realtime-store', 'alert-states.json'), clock }),
})
