import { join } from 'node:path'
import type { PluginRef, RuntimeName } from './twinflow-config.ts'

/** The runtime each role's contract gets when the config names none: everything in this process. */
export function embeddedRuntimes(dataDir: string): Record<RuntimeName, PluginRef> {
  return {
    eventLog: { plugin: 'memory' },
    clickhouse: { plugin: 'chdb', options: { path: join(dataDir, 'chdb') } },
    realtimeStore: { plugin: 'memory' },
    deadLetterQueue: { plugin: 'memory' },
    scheduler: { plugin: 'node-cron' },
  }
}
