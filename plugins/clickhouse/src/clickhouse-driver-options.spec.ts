import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseClickHouseServerDriverOptions } from './clickhouse-driver-options.ts'

describe('parseClickHouseServerDriverOptions', () => {
  it('fills in the defaults', () => {
    expect(parseClickHouseServerDriverOptions({})).toEqual({
      url: 'http://127.0.0.1:8123',
      username: 'default',
      password: '',
      database: 'default',
      requestTimeoutMs: 600_000,
      idleSocketTtlMs: 1500,
    })
    expect(parseClickHouseServerDriverOptions({ url: 'https://ch:8443', database: 'analytics' })).toMatchObject({ url: 'https://ch:8443', database: 'analytics' })
  })

  it('rejects bad options with a config error that names them, and never echoes the password', () => {
    expect(() => parseClickHouseServerDriverOptions({ url: 'ch:8123' })).toThrow('url: must look like http://host:8123')
    expect(() => parseClickHouseServerDriverOptions({ database: 'my-db' })).toThrow('database: must be an identifier')
    expect(() => parseClickHouseServerDriverOptions({ requestTimeoutMs: 10 })).toThrow('requestTimeoutMs: must be an integer >= 1000, got 10')
    expect(() => parseClickHouseServerDriverOptions({ pass: 'x' })).toThrow('unknown option "pass"; known options: url, username, password, database, requestTimeoutMs')
    expect(() => parseClickHouseServerDriverOptions({ password: 424242 })).toThrow(/password: must be a string$/)
    expect(() => parseClickHouseServerDriverOptions({ url: 1 })).toThrow(TwinflowError)
  })
})
