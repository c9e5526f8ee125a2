import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryRealtimeStore } from './memory-realtime-store.ts'
import { memoryRealtimeStorePlugin } from './memory-realtime-store-plugin.ts'
import { realtimeStoreConformance } from '@twinflow/testing/conformance'

realtimeStoreConformance('memory', () => new MemoryRealtimeStore())

// With a file for its alert states, as the plugin makes it: a new store on the same file has them.
const files = new Map<MemoryRealtimeStore, string>()
realtimeStoreConformance(
  'memory, alert states in a file',
  () => {
    const file = join(mkdtempSync(join(tmpdir(), 'twinflow-memory-store-')), 'alert-states.json')
    const store = new MemoryRealtimeStore({ alertStateFile: file })
    files.set(store, file)
    return store
  },
  { sameStorage: (store) => new MemoryRealtimeStore({ alertStateFile: files.get(store as MemoryRealtimeStore)! }) },
)

describe('memoryRealtimeStorePlugin', () => {
  it('takes no options and says so when given some', () => {
    expect(memoryRealtimeStorePlugin.parseOptions(undefined)).toEqual({})
    expect(() => memoryRealtimeStorePlugin.parseOptions({ url: 'redis://x' })).toThrow(/unknown option "url"; there are none to set/)
  })
})
