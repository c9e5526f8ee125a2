import type { PluginRef, RuntimeName } from './twinflow-config.ts'

/**
 * The runtime each role's contract gets when the config names none: everything in this process,
 * the state of those that keep one in the data directory (the log in `<dataDir>/log`, chdb in
 * `<dataDir>/chdb`), so that a restart goes on where it stopped.
 */
export const EMBEDDED_RUNTIMES: Readonly<Record<RuntimeName, PluginRef>> = {
  eventLog: { plugin: 'local' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}
