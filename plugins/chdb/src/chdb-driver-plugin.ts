import { join } from 'node:path'
import { definePlugin } from '@twinflow/core'
import { ChdbDriver } from './chdb-driver.ts'
import { parseChdbDriverOptions, type ChdbDriverOptions } from './chdb-driver-options.ts'

/**
 * The embedded ClickHouse driver: `{ plugin: 'chdb', options: { path } }`. Without a path, its data
 * lives in the process's data directory (`<dataDir>/chdb`), which the process then holds.
 */
export const chdbDriverPlugin = definePlugin<'clickhouse-driver', ChdbDriverOptions>({
  kind: 'clickhouse-driver',
  name: 'chdb',
  description: 'ClickHouse embedded in the process (npm chdb): no server; one data directory per process.',
  parseOptions: parseChdbDriverOptions,
  usesDataDirectory: (options) => options.path === undefined,
  create: (options, { logger, dataDir }) => new ChdbDriver({ ...options, path: options.path ?? join(dataDir, 'chdb') }, logger),
})
