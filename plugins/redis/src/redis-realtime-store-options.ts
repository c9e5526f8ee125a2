import { TwinflowError } from '@twinflow/core'

export interface RedisRealtimeStoreOptions {
  /** `redis://[user:password@]host:port[/db]`. @default 'redis://127.0.0.1:6379' */
  url: string
  /** Cluster seed nodes (`host:port`); when set, `url` is ignored and ioredis' Cluster client is used. */
  clusterNodes: string[]
  /** Prefix of every key (several deployments can share a Redis). @default 'tf' */
  keyPrefix: string
  /** Hashes one window's groups are spread over. @default 16 */
  buckets: number
  /** Expiry of a window's hashes after their last write, a safety net behind dropBefore; 0 disables. @default 7 days */
  ttlMs: number
}

const DEFAULTS: RedisRealtimeStoreOptions = { url: 'redis://127.0.0.1:6379', clusterNodes: [], keyPrefix: 'tf', buckets: 16, ttlMs: 7 * 86_400_000 }

/** Validates the options of the redis realtime-store plugin. */
export function parseRedisRealtimeStoreOptions(raw: unknown): RedisRealtimeStoreOptions {
  if (typeof raw !== 'object' || raw === null) throw new TwinflowError('config', 'options must be an object')
  const o = { ...DEFAULTS, ...(raw as Partial<RedisRealtimeStoreOptions>) }
  for (const key of Object.keys(raw)) if (!(key in DEFAULTS)) throw new TwinflowError('config', `unknown option "${key}"; known: ${Object.keys(DEFAULTS).join(', ')}`)
  if (typeof o.url !== 'string' || !/^rediss?:\/\//.test(o.url)) throw new TwinflowError('config', `url must look like redis://host:6379, got ${JSON.stringify(o.url)}`)
  if (!Array.isArray(o.clusterNodes) || !o.clusterNodes.every((n) => typeof n === 'string' && /^[^:]+:\d+$/.test(n))) {
    throw new TwinflowError('config', 'clusterNodes must be a list of "host:port" strings')
  }
  if (typeof o.keyPrefix !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(o.keyPrefix)) throw new TwinflowError('config', 'keyPrefix must be letters, digits, _ . or -')
  if (!Number.isInteger(o.buckets) || o.buckets < 1 || o.buckets > 1024) throw new TwinflowError('config', 'buckets must be an integer from 1 to 1024')
  if (!Number.isInteger(o.ttlMs) || o.ttlMs < 0) throw new TwinflowError('config', 'ttlMs must be a non-negative integer (0 disables expiry)')
  return o
}
