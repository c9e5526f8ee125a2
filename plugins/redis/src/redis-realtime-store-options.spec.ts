import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseRedisRealtimeStoreOptions } from './redis-realtime-store-options.ts'

describe('parseRedisRealtimeStoreOptions', () => {
  it('fills in the defaults', () => {
    expect(parseRedisRealtimeStoreOptions({})).toEqual({ url: 'redis://127.0.0.1:6379', clusterNodes: [], keyPrefix: 'tf', buckets: 16, ttlMs: 7 * 86_400_000 })
    expect(parseRedisRealtimeStoreOptions({ clusterNodes: ['r1:6379', 'r2:6379'], ttlMs: 0 })).toMatchObject({ clusterNodes: ['r1:6379', 'r2:6379'], ttlMs: 0 })
  })

  it('rejects bad options with a config error that names them', () => {
    expect(() => parseRedisRealtimeStoreOptions({ url: 'http://redis:6379' })).toThrow('url: must look like redis://host:6379')
    expect(() => parseRedisRealtimeStoreOptions({ clusterNodes: ['r1'] })).toThrow('clusterNodes.0: must be "host:port", got "r1"')
    expect(() => parseRedisRealtimeStoreOptions({ keyPrefix: 'a b' })).toThrow('keyPrefix: must be letters, digits, _ . or -')
    expect(() => parseRedisRealtimeStoreOptions({ buckets: 2048 })).toThrow('buckets: must be an integer from 1 to 1024, got 2048')
    expect(() => parseRedisRealtimeStoreOptions({ ttlMs: -1 })).toThrow('ttlMs: must be an integer >= 0, got -1')
    expect(() => parseRedisRealtimeStoreOptions({ prefix: 'x' })).toThrow('unknown option "prefix"; known options: url, clusterNodes, keyPrefix, buckets, ttlMs')
    expect(() => parseRedisRealtimeStoreOptions({ buckets: 0 })).toThrow(TwinflowError)
  })
})
