import { definePlugin } from '@twinflow/core'
import { parseClickHouseServerDriverOptions } from './clickhouse-driver-options.ts'
import { ClickHouseServerDriver } from './clickhouse-server-driver.ts'

/** ClickHouse-driver plugin `clickhouse`: a ClickHouse server over HTTP. */
export const clickhouseDriverPlugin = definePlugin({
  kind: 'clickhouse-driver',
  name: 'clickhouse',
  description: 'A ClickHouse server (18.16 or later) over its HTTP interface.',
  parseOptions: parseClickHouseServerDriverOptions,
  create: (options, ctx) => new ClickHouseServerDriver(options, ctx.logger),
})
