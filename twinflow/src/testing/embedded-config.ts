import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../config/parse-config'
import type { TwinflowConfig, TwinflowConfigInput } from '../config/twinflow-config'

/** A config on embedded runtimes for tests: fresh chdb directory, free port, quiet logs. */
export function embeddedTestConfig(overrides: Partial<TwinflowConfigInput> = {}): TwinflowConfig {
  return parseConfig({
    runtimes: {
      eventLog: { plugin: 'memory' },
      clickhouse: { plugin: 'chdb', options: { path: mkdtempSync(join(tmpdir(), 'twinflow-chdb-')) } },
      realtimeStore: { plugin: 'memory' },
      deadLetterQueue: { plugin: 'memory' },
      scheduler: { plugin: 'node-cron' },
    },
    serving: { port: 0, host: '127.0.0.1', graphiql: false },
    log: { level: 'warn' },
    ...overrides,
  })
}
