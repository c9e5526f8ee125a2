import type { PluginRef, RuntimeName } from './twinflow-config.ts'

/**
 * The runtime each role's contract gets when the config names none: everything in this process,
 * the state of those that keep one in the data directory (chdb in `<dataDir>/chdb`).
 */
export const EMBEDDED_RUNTIMES: Readonly<Record<RuntimeName, PluginRef>> = {
  eventLog: { plugin: 'memory' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}
