import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

const positive = (fallback: number) => z.int().min(1).default(fallback)

/** Options of the `kafka` event-log plugin (and the base of the dead-letter queue's). */
export const kafkaOptionsSchema = z
  .strictObject({
    /** Bootstrap brokers, `host:port`. */
    brokers: z
      .array(
        z
          .string()
          .regex(/^[^\s:]+:\d+$/)
          .describe('"host:port"'),
      )
      .min(1),
    /** @default 'twinflow' */
    clientId: z.string().min(1).default('twinflow'),
    /** Replication factor of topics Twinflow creates. @default 1 */
    replicationFactor: positive(1),
    /** Consumer session timeout: a member silent this long is removed and its partitions reassigned. @default 30000 */
    sessionTimeoutMs: positive(30_000),
    /** At most a third of `sessionTimeoutMs`. @default 3000 */
    heartbeatIntervalMs: positive(3_000),
    /** @default 10000 */
    connectionTimeoutMs: positive(10_000),
    /** Bytes fetched per partition per request. @default 1048576 */
    maxBytesPerPartition: positive(1_048_576),
    /** How long a fetch waits for new records before it answers empty (also bounds how long stop() waits). @default 5000 */
    maxWaitTimeMs: positive(5_000),
    /** TLS to the brokers. @default false */
    ssl: z.boolean().default(false),
    /** SASL credentials, if the cluster needs them. @default null */
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string(),
        /** Never echoed in errors. */
        password: z.string({ error: 'must be a string' }),
      })
      .nullable()
      .default(null),
  })
  .refine((o) => o.heartbeatIntervalMs * 3 <= o.sessionTimeoutMs, {
    path: ['heartbeatIntervalMs'],
    error: (issue) => {
      const o = issue.input as { heartbeatIntervalMs: number; sessionTimeoutMs: number }
      return `must be at most a third of sessionTimeoutMs (${o.sessionTimeoutMs}), got ${o.heartbeatIntervalMs}`
    },
  })

export type KafkaOptionsInput = z.input<typeof kafkaOptionsSchema>
export type KafkaOptions = z.output<typeof kafkaOptionsSchema>

/** Validates the options of the kafka event log and fills in the defaults; messages name what to fix. */
export function parseKafkaOptions(raw: unknown): KafkaOptions {
  return parseOptions(kafkaOptionsSchema, raw ?? {})
}
