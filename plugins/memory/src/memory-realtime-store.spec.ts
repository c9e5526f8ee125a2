import { describe, expect, it } from 'vitest'
import { MemoryRealtimeStore } from './memory-realtime-store.ts'
import { memoryRealtimeStorePlugin } from './memory-realtime-store-plugin.ts'
import { realtimeStoreConformance } from '@twinflow/testing/conformance'

realtimeStoreConformance('memory', () => new MemoryRealtimeStore())

describe('memoryRealtimeStorePlugin', () => {
  it('takes no options and says so when given some', () => {
    expect(memoryRealtimeStorePlugin.parseOptions(undefined)).toEqual({})
    expect(() => memoryRealtimeStorePlugin.parseOptions({ url: 'redis://x' })).toThrow(/unknown option "url"; there are none to set/)
  })
})
