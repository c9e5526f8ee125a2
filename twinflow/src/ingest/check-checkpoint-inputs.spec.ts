import { describe, expect, it } from 'vitest'
import { createJsonLogger, defineStream, systemClock, t, type Source } from '@twinflow/core'
import { HttpPollSource, parseHttpPollOptions } from '@twinflow/plugin-http-poll'
import { parseSqlSourceOptions, SqlSource } from '@twinflow/plugin-sql'
import { checkCheckpointInputs } from './check-checkpoint-inputs.ts'

const customers = defineStream('customers', { customerId: t.int64(), email: t.string().pii('hash'), phone: t.string().pii('redact'), updatedAt: t.eventTime() })
const logger = createJsonLogger({ level: 'silent' })

const sql = (cursor: { column: string; tieBreaker?: string }) =>
  new SqlSource('crm', parseSqlSourceOptions({ stream: 'customers', url: 'postgres://u:p@db:5432/crm', table: 'customers', cursor }), {
    connect: () => Promise.reject(new Error('not connected in this test')),
    clock: systemClock,
    logger,
  })
const poll = (field: string) =>
  new HttpPollSource(
    'api',
    'customers',
    parseHttpPollOptions({ stream: 'customers', url: 'https://api.example.com/customers', incremental: { field, param: 'since' } }),
    systemClock,
    logger,
    null,
  )

describe('checkCheckpointInputs: a checkpoint never holds a personal field', () => {
  it('refuses a sql cursor column or tie-breaker that is a personal field, naming the option and what to use', () => {
    expect(() => checkCheckpointInputs(customers, sql({ column: 'email' }), undefined)).toThrow(
      /source "crm": cursor\.column "email" is the personal field "email" of stream "customers" \(pii\('hash'\)\).*not masked.*an increasing id or an update time/,
    )
    expect(() => checkCheckpointInputs(customers, sql({ column: 'updatedAt', tieBreaker: 'phone' }), undefined)).toThrow(/cursor\.tieBreaker "phone" is the personal field "phone"/)
    expect(() => checkCheckpointInputs(customers, sql({ column: 'updatedAt', tieBreaker: 'customerId' }), undefined)).not.toThrow()
  })

  it('follows the mapping: a renamed input is the field it becomes; a dropped one is no field', () => {
    expect(() => checkCheckpointInputs(customers, sql({ column: 'mail' }), { rename: { mail: 'email' } })).toThrow(/cursor\.column "mail" is the personal field "email"/)
    expect(() => checkCheckpointInputs(customers, sql({ column: 'email' }), { rename: { email: 'customerId' } })).not.toThrow()
    expect(() => checkCheckpointInputs(customers, sql({ column: 'email' }), { drop: ['email'] })).not.toThrow()
    // a qualified column of a query is the row's field of its last part
    const query = new SqlSource(
      'crm',
      parseSqlSourceOptions({ stream: 'customers', url: 'postgres://u@db/crm', query: 'SELECT c.* FROM customers c WHERE {{cursor}}', cursor: { column: 'c.email' } }),
      { connect: () => Promise.reject(new Error('unused')), clock: systemClock, logger },
    )
    expect(() => checkCheckpointInputs(customers, query, undefined)).toThrow(/cursor\.column "email"/)
  })

  it("refuses an http-poll incremental field that is a personal field at the record's top level", () => {
    expect(() => checkCheckpointInputs(customers, poll('$.email'), undefined)).toThrow(/source "api": incremental\.field "email" is the personal field "email"/)
    expect(() => checkCheckpointInputs(customers, poll('updatedAt'), undefined)).not.toThrow()
    expect(() => checkCheckpointInputs(customers, poll('contact.email'), undefined)).not.toThrow()
  })

  it('passes a source that declares no checkpoint inputs', () => {
    const plain: Source = { name: 'x', stream: 'customers', connect: async () => {}, read: () => Promise.reject(new Error('unused')), close: async () => {} }
    expect(() => checkCheckpointInputs(customers, plain, undefined)).not.toThrow()
  })
})
