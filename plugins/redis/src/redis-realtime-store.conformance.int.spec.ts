import { describe } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { realtimeStoreConformance } from '@twinflow/testing/conformance'
import { RedisRealtimeStore } from './redis-realtime-store.ts'
import { parseRedisRealtimeStoreOptions } from './redis-realtime-store-options.ts'

// The RealtimeStore conformance suite on a Redis server you already run, without containers: set
// TWINFLOW_REDIS_URL (e.g. redis://127.0.0.1:6379). Every store gets a key prefix of its own on
// it. Skipped without the variable; the end-to-end suite runs it on the Redis image.
const url = process.env.TWINFLOW_REDIS_URL
const run = `conformance-${Date.now().toString(36)}`
let stores = 0

describe.skipIf(!url)('a Redis server of TWINFLOW_REDIS_URL', () => {
  realtimeStoreConformance(
    `RedisRealtimeStore on ${url}`,
    () => new RedisRealtimeStore(parseRedisRealtimeStoreOptions({ url, keyPrefix: `${run}-${++stores}` }), createJsonLogger({ level: 'error' })),
  )
})
