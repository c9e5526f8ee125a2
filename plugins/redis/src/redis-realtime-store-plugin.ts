import { definePlugin } from '@twinflow/core'
import { parseRedisRealtimeStoreOptions } from './redis-realtime-store-options.ts'
import { RedisRealtimeStore } from './redis-realtime-store.ts'

/** Realtime-store plugin `redis`: offset-fenced Lua updates, cluster-safe keys. */
export const redisRealtimeStorePlugin = definePlugin({
  kind: 'realtime-store',
  name: 'redis',
  description: 'Realtime windows in Redis (or Redis Cluster) with offset-fenced Lua updates.',
  parseOptions: parseRedisRealtimeStoreOptions,
  create: (options, ctx) => new RedisRealtimeStore(options, ctx.logger),
})
