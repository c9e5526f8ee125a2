import { definePlugin } from '@twinflow/core'
import { MysqlClient } from './mysql-client.ts'
import { PostgresClient } from './postgres-client.ts'
import { connectionSettingsOf } from './sql-connection-settings.ts'
import { parseSqlSourceOptions } from './sql-source-options.ts'
import { SqlSource } from './sql-source.ts'

/** Source plugin `sql`: a PostgreSQL or MySQL/MariaDB table read incrementally by a cursor column. */
export const sqlSourcePlugin = definePlugin({
  kind: 'source',
  name: 'sql',
  description: 'Reads a PostgreSQL or MySQL/MariaDB table (or query) incrementally, in keyset pages by a cursor column, checkpointed in the log.',
  parseOptions: parseSqlSourceOptions,
  create: (options, ctx) => {
    ctx.pipeline.stream(options.stream)
    const settings = connectionSettingsOf(options)
    const connect = options.driver === 'postgres' ? () => PostgresClient.connect(settings) : () => MysqlClient.connect(settings)
    // The process's scheduler is resolved only for a cron poll: other sources need none.
    const scheduler = typeof options.poll === 'object' && 'cron' in options.poll ? ctx.scheduler() : undefined
    return new SqlSource(ctx.instanceName, options, { connect, clock: ctx.clock, logger: ctx.logger, ...(scheduler === undefined ? {} : { scheduler }) })
  },
})
