import { describe, expect, it } from 'vitest'
import { defineStream } from './define-stream.ts'
import { t } from './t.ts'

const fields = { orderId: t.string(), n: t.int64(), note: t.string().optional(), amount: t.float64(), at: t.eventTime() }

describe('defineStream dedupeBy', () => {
  it('keeps the field and the horizon in ms', () => {
    expect(defineStream('orders', fields, { dedupeBy: { field: 'orderId', horizon: '1h' } }).dedupe).toEqual({ field: 'orderId', horizonMs: 3_600_000 })
    expect(defineStream('orders', fields, { dedupeBy: { field: 'n', horizon: 90_000 } }).dedupe).toEqual({ field: 'n', horizonMs: 90_000 })
    expect(defineStream('orders', fields).dedupe).toBeUndefined()
  })

  it('rejects a field that cannot identify an event, and a horizon that is no positive duration', () => {
    expect(() => defineStream('orders', fields, { dedupeBy: { field: 'missing', horizon: '1h' } })).toThrow(/stream "orders": dedupeBy: there is no field "missing"/)
    expect(() => defineStream('orders', fields, { dedupeBy: { field: 'note', horizon: '1h' } })).toThrow(/must be a required string or int field/)
    expect(() => defineStream('orders', fields, { dedupeBy: { field: 'amount', horizon: '1h' } })).toThrow(/must be a required string or int field/)
    expect(() => defineStream('orders', fields, { dedupeBy: { field: 'orderId', horizon: 0 } })).toThrow(/dedupeBy.horizon must be more than 0/)
    expect(() => defineStream('orders', fields, { dedupeBy: { field: 'orderId', horizon: '1 hour' as never } })).toThrow(/is not a duration/)
  })
})
