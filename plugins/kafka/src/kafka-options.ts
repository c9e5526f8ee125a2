import { TwinflowError } from '@twinflow/core'

export interface KafkaOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[]
  /** @default 'twinflow' */
  clientId: string
  /** Replication factor of topics Twinflow creates. @default 1 */
  replicationFactor: number
  /** Consumer session timeout: a member silent this long is removed and its partitions reassigned. @default 30000 */
  sessionTimeoutMs: number
  /** @default 3000 */
  heartbeatIntervalMs: number
  /** @default 10000 */
  connectionTimeoutMs: number
  /** Bytes fetched per partition per request. @default 1048576 */
  maxBytesPerPartition: number
  /** How long a fetch waits for new records before it answers empty (also bounds how long stop() waits). @default 5000 */
  maxWaitTimeMs: number
  /** TLS to the brokers. @default false */
  ssl: boolean
  /** SASL credentials, if the cluster needs them. */
  sasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null
}

const DEFAULTS: Omit<KafkaOptions, 'brokers'> = {
  clientId: 'twinflow',
  replicationFactor: 1,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  connectionTimeoutMs: 10_000,
  maxBytesPerPartition: 1_048_576,
  maxWaitTimeMs: 5_000,
  ssl: false,
  sasl: null,
}

/** Validates the options of the kafka plugins; messages name what to fix. */
export function parseKafkaOptions(raw: unknown): KafkaOptions {
  if (typeof raw !== 'object' || raw === null) throw new TwinflowError('config', 'options must be an object with at least { brokers: ["host:9092"] }')
  const input = raw as Record<string, unknown>
  for (const key of Object.keys(input)) {
    if (key !== 'brokers' && key !== 'topic' && !(key in DEFAULTS))
      throw new TwinflowError('config', `unknown option "${key}"; known: brokers, ${Object.keys(DEFAULTS).join(', ')}`)
  }
  if (!Array.isArray(input.brokers) || input.brokers.length === 0 || !input.brokers.every((b) => typeof b === 'string' && /^[^\s:]+:\d+$/.test(b))) {
    throw new TwinflowError('config', `brokers must be a non-empty list of "host:port", got ${JSON.stringify(input.brokers)}`)
  }
  const o = { ...DEFAULTS, ...input } as KafkaOptions
  for (const key of ['replicationFactor', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'connectionTimeoutMs', 'maxBytesPerPartition', 'maxWaitTimeMs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new TwinflowError('config', `${key} must be a positive integer`)
  }
  if (o.heartbeatIntervalMs * 3 > o.sessionTimeoutMs) throw new TwinflowError('config', 'heartbeatIntervalMs must be at most a third of sessionTimeoutMs')
  if (typeof o.clientId !== 'string' || o.clientId === '') throw new TwinflowError('config', 'clientId must be a non-empty string')
  if (typeof o.ssl !== 'boolean') throw new TwinflowError('config', 'ssl must be true or false')
  if (o.sasl !== null) {
    const s = o.sasl as Record<string, unknown>
    if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(String(s.mechanism)) || typeof s.username !== 'string' || typeof s.password !== 'string') {
      throw new TwinflowError('config', 'sasl must be { mechanism: plain | scram-sha-256 | scram-sha-512, username, password }')
    }
  }
  return { ...o, brokers: input.brokers as string[] }
}
