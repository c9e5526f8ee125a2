import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { classifySqlError } from './classify-sql-error.ts'

const pg = { driver: 'postgres' as const, address: 'db:5432/shop' }
const my = { driver: 'mysql' as const, address: 'db:3306/shop' }
const serverError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' })

describe('classifySqlError', () => {
  it('a server that cannot be reached or a broken connection is retriable', () => {
    for (const [error, server] of [
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), pg],
      [new Error('Connection terminated unexpectedly'), pg],
      [serverError('57P01', 'terminating connection due to administrator command'), pg],
      [serverError('08006', 'connection failure'), pg],
      [Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), my],
      [Object.assign(new Error('Too many connections'), { code: 'ER_CON_COUNT_ERROR' }), my],
    ] as const) {
      const e = classifySqlError(error, server, 'read a page')
      expect(e.kind, e.message).toBe('unavailable')
      expect(e.retriable).toBe(true)
    }
    expect(classifySqlError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), pg, 'connect').message).toBe('PostgreSQL at db:5432/shop: could not connect: x (ECONNREFUSED)')
  })

  it('what the options ask that the server refuses is a config error that says what to fix', () => {
    const cases: [unknown, typeof pg | typeof my, string][] = [
      [
        serverError('42P01', 'relation "orderz" does not exist'),
        pg,
        'PostgreSQL at db:5432/shop refused to read a page: relation "orderz" does not exist (42P01); check "table" (or the query)',
      ],
      [serverError('28P01', 'password authentication failed'), pg, 'check "user" and "password"'],
      [serverError('42703', 'column "updatedat" does not exist'), pg, 'check "cursor" and "columns"'],
      [Object.assign(new Error("Table 'shop.orderz' doesn't exist"), { code: 'ER_NO_SUCH_TABLE' }), my, 'MySQL/MariaDB at db:3306/shop refused to read a page'],
      [Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR', fatal: true }), my, 'check "user" and "password"'],
    ]
    for (const [error, server, message] of cases) {
      const e = classifySqlError(error, server, 'read a page')
      expect(e.kind).toBe('config')
      expect(e.retriable).toBe(false)
      expect(e.message).toContain(message)
    }
  })

  it('keeps a TwinflowError as it is', () => {
    const e = new TwinflowError('config', 'x')
    expect(classifySqlError(e, pg, 'connect')).toBe(e)
  })
})
