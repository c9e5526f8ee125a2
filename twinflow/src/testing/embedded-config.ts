import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../config/parse-config.ts'
import type { TwinflowConfig, TwinflowConfigInput } from '../config/twinflow-config.ts'

/** A config on the embedded runtimes for tests: a fresh data directory, a free port, quiet logs. */
export function embeddedTestConfig(overrides: Partial<TwinflowConfigInput> = {}): TwinflowConfig {
  return parseConfig(
    {
      serving: { port: 0, host: '127.0.0.1', graphiql: false },
      log: { level: 'warn' },
      ...overrides,
    },
    { dataDir: mkdtempSync(join(tmpdir(), 'twinflow-data-')) },
  )
}
