import { definePlugin } from '@twinflow/core'
import { ChdbDriver } from './chdb-driver.ts'
import { parseChdbDriverOptions, type ChdbDriverOptions } from './chdb-driver-options.ts'

/** The embedded ClickHouse driver: `{ plugin: 'chdb', options: { path } }`. */
export const chdbDriverPlugin = definePlugin<'clickhouse-driver', ChdbDriverOptions>({
  kind: 'clickhouse-driver',
  name: 'chdb',
  description: 'ClickHouse embedded in the process (npm chdb): no server; one data directory per process.',
  parseOptions: parseChdbDriverOptions,
  create: (options, { logger }) => new ChdbDriver(options, logger),
})
