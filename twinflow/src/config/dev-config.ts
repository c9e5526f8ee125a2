import type { Pipeline } from '@twinflow/core'
import type { TwinflowConfigInput } from './twinflow-config'

export interface DevConfigOptions {
  /** Fresh directory for the embedded ClickHouse (chdb). */
  chdbPath: string
  port: number
  ratePerSecond: number
  backfillEvents: number
}

/**
 * The embedded default: every runtime in-process (in-memory log and realtime store, ClickHouse via
 * chdb), a generator source per stream, a batch run every minute. No server needed.
 */
export function devConfig(pipeline: Pipeline, options: DevConfigOptions): TwinflowConfigInput {
  return {
    runtimes: {
      eventLog: { plugin: 'memory' },
      clickhouse: { plugin: 'chdb', options: { path: options.chdbPath } },
      realtimeStore: { plugin: 'memory' },
      deadLetterQueue: { plugin: 'memory' },
      scheduler: { plugin: 'node-cron' },
    },
    sources: pipeline.streams.map((s, i) => ({
      plugin: 'generator',
      name: `generate-${s.name}`,
      options: { stream: s.name, ratePerSecond: options.ratePerSecond, backfillEvents: options.backfillEvents, seed: i + 1, invalidRatio: 0.001 },
    })),
    batch: { schedule: '* * * * *' },
    serving: { port: options.port, host: '127.0.0.1', graphiql: true },
  }
}
