import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseSqlSourceOptions } from './sql-source-options.ts'

const base = { stream: 'orders', url: 'postgres://u:p@db:5432/shop', table: 'orders', cursor: { column: 'id' } }

describe('parseSqlSourceOptions', () => {
  it('fills in the defaults and the driver from the url', () => {
    expect(parseSqlSourceOptions(base)).toEqual({
      ...base,
      driver: 'postgres',
      tls: false,
      cursor: { column: 'id', safetyLagMs: 0, lateRowLookbackMs: 60_000, behindCheckMs: 60_000 },
      batchSize: 1000,
      poll: { intervalMs: 1000 },
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 60_000,
    })
    expect(parseSqlSourceOptions({ ...base, url: 'mariadb://u@db/shop' }).driver).toBe('mysql')
    expect(parseSqlSourceOptions({ ...base, url: 'mysql://u@db/shop' }).driver).toBe('mysql')
    expect(parseSqlSourceOptions({ ...base, url: undefined, host: 'db', driver: 'mysql', user: 'u', database: 'shop' })).toMatchObject({ driver: 'mysql', host: 'db' })
    expect(parseSqlSourceOptions({ ...base, poll: 'once' }).poll).toBe('once')
    expect(parseSqlSourceOptions({ ...base, poll: { cron: '*/5 * * * *' } }).poll).toEqual({ cron: '*/5 * * * *' })
    expect(parseSqlSourceOptions({ ...base, tls: { caFile: '/ca.pem' } }).tls).toEqual({ caFile: '/ca.pem', rejectUnauthorized: true })
  })

  it('takes a query with one {{cursor}} and qualified cursor columns', () => {
    const options = parseSqlSourceOptions({ ...base, table: undefined, query: 'SELECT o.* FROM orders o WHERE {{cursor}}', cursor: { column: 'o.updated_at', tieBreaker: 'o.id' } })
    expect(options.query).toContain('{{cursor}}')
  })

  it('rejects bad options with a config error that names the option and what to fix', () => {
    const fails = (raw: unknown, message: string) => {
      const run = () => parseSqlSourceOptions(raw)
      expect(run).toThrow(TwinflowError)
      expect(run).toThrow(message)
    }
    fails({ ...base, stream: undefined }, 'stream: must be the name of a stream of the pipeline')
    fails({ ...base, table: undefined }, 'table: give either a "table" or a "query" (not both)')
    fails({ ...base, query: 'SELECT 1 WHERE {{cursor}}' }, 'table: give either a "table" or a "query" (not both)')
    fails({ ...base, table: undefined, query: 'SELECT * FROM t' }, 'query: must contain "{{cursor}}" exactly once')
    fails({ ...base, url: 'http://db/shop' }, 'url: must start with postgres://, postgresql://, mysql:// or mariadb://, got "http:"')
    fails({ ...base, url: 'not a url' }, 'url: must be a URL such as postgres://')
    fails({ ...base, url: undefined }, 'url: give the connection as a "url", or as "host"')
    fails({ ...base, url: undefined, host: 'db' }, 'driver: must say which server "host" is')
    fails({ ...base, driver: 'mysql' }, 'driver: is "mysql" but the url is a postgres URL')
    fails({ ...base, password: 'x' }, 'password: goes in the url')
    fails({ ...base, cursor: {} }, 'cursor.column: must be the name of the cursor column')
    fails({ ...base, cursor: { column: 'id', tieBreaker: 'id' } }, 'cursor.tieBreaker: must be another column than "column"')
    fails({ ...base, cursor: { column: 'o.id' } }, 'cursor.column: is a column of the table, without a qualifier')
    fails({ ...base, columns: ['name'] }, 'columns: must include the cursor\'s column "id"')
    fails({ ...base, table: 'a.b.c' }, 'table: must be "table" or "schema.table"')
    fails({ ...base, batchSize: 0 }, 'batchSize')
    fails({ ...base, poll: 'always' }, 'poll: must be "once", { "intervalMs": <ms> } or { "cron": "<expression>" }')
    fails({ ...base, cursor: { column: 'id', safetyLag: 5 } }, 'cursor: unknown option "safetyLag"')
    fails({ ...base, batch: 5 }, 'unknown option "batch"')
  })
})
