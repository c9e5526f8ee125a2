import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Options of the `redis` realtime-store plugin. */
export const redisRealtimeStoreOptionsSchema = z.strictObject({
  /** `redis://[user:password@]host:port[/db]`. @default 'redis://127.0.0.1:6379' */
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'must look like redis://host:6379')
    .default('redis://127.0.0.1:6379'),
  /** Cluster seed nodes (`host:port`); when set, `url` is ignored and ioredis' Cluster client is used. @default [] */
  clusterNodes: z
    .array(
      z
        .string()
        .regex(/^[^:]+:\d+$/)
        .describe('"host:port"'),
    )
    .default([]),
  /** Prefix of every key (several deployments can share a Redis). @default 'tf' */
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -')
    .default('tf'),
  /** Hashes one window's groups are spread over. @default 16 */
  buckets: z.int().min(1).max(1024).default(16),
  /** Expiry of a window's hashes after their last write, a safety net behind dropBefore; 0 disables. @default 7 days */
  ttlMs: z
    .int()
    .min(0)
    .default(7 * 86_400_000),
})

export type RedisRealtimeStoreOptionsInput = z.input<typeof redisRealtimeStoreOptionsSchema>
export type RedisRealtimeStoreOptions = z.output<typeof redisRealtimeStoreOptionsSchema>

/** Validates the options of the redis realtime-store plugin and fills in the defaults. */
export function parseRedisRealtimeStoreOptions(raw: unknown): RedisRealtimeStoreOptions {
  return parseOptions(redisRealtimeStoreOptionsSchema, raw ?? {})
}
