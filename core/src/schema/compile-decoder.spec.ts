import { describe, expect, it } from 'vitest'
import { compileDecoder, defineStream, t } from '../index.ts'

const orders = defineStream('orders', { id: t.string(), n: t.int64(), x: t.float64(), ok: t.boolean(), st: t.enum(['a', 'b']), ts: t.eventTime() })
const decode = compileDecoder(orders, { maxBytes: 200 })
const good = { id: 'o1', n: 3, x: 1.5, ok: true, st: 'a', ts: '2026-11-23T10:00:00.123Z', extra: 1 }
const LOG_TIME = Date.parse('2026-11-23T12:00:00Z')
const reasonOf = (payload: string | Buffer, logTime = LOG_TIME) => {
  const r = decode(Buffer.isBuffer(payload) ? payload : Buffer.from(payload), logTime)
  return r.ok ? 'ok' : r.reason
}

describe('compileDecoder', () => {
  it('accepts a valid event, normalizes the time and drops unknown fields', () => {
    const r = decode(Buffer.from(JSON.stringify(good)), LOG_TIME)
    expect(r).toEqual({ ok: true, event: { id: 'o1', n: 3, x: 1.5, ok: true, st: 'a', ts: Date.parse('2026-11-23T10:00:00.123Z') } })
  })
  it('says why an input is rejected', () => {
    expect(reasonOf('{"id": ')).toMatch(/^invalid-json: /)
    expect(reasonOf('{"ts": NaN}')).toMatch(/^invalid-json: /)
    expect(reasonOf('[1]')).toBe('schema: event must be a JSON object, got array')
    expect(reasonOf(JSON.stringify({ ...good, id: undefined }))).toBe('schema: field "id" is missing')
    expect(reasonOf(JSON.stringify({ ...good, n: 1.5 }))).toBe('schema: field "n": expected a safe integer, got 1.5')
    expect(reasonOf(JSON.stringify({ ...good, st: 'c' }))).toBe('schema: field "st": expected one of a, b, got "c"')
    expect(reasonOf(JSON.stringify({ ...good, ts: '2026-11-23 10:00' }))).toMatch(/^schema: field "ts": expected epoch milliseconds or an ISO-8601 time with a zone/)
    expect(reasonOf(JSON.stringify({ ...good, ts: -5 }))).toBe('schema: field "ts": event time out of range: -5')
    expect(reasonOf(JSON.stringify({ ...good, x: '1' }))).toBe('schema: field "x": expected a finite number, got "1"')
    expect(reasonOf('{"id": "\\ud800x", "n": 1, "x": 1, "ok": true, "st": "a", "ts": 1}')).toBe('schema: field "id": string has a lone UTF-16 surrogate (not valid Unicode)')
    expect(reasonOf(JSON.stringify({ ...good, id: 'ok \u{1F600}' }))).toBe('ok')
    expect(reasonOf(Buffer.alloc(201, 32))).toBe('oversized: 201 bytes > limit 200')
    // Not replaced by U+FFFD and accepted: the bytes are not text.
    expect(reasonOf(Buffer.concat([Buffer.from('{"id": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]))).toBe('invalid-utf8: the payload is not valid UTF-8')
  })
  it("rejects an event further ahead of its record's log time than the stream's maxFutureSkewMs (one hour by default)", () => {
    const at = (iso: string) => JSON.stringify({ ...good, ts: iso })
    expect(reasonOf(at('2026-11-23T13:00:00Z'))).toBe('ok')
    expect(reasonOf(at('2026-11-23T13:00:00.001Z'))).toBe(
      "future: ts 2026-11-23T13:00:00.001Z is 1.0 h after the record's log time 2026-11-23T12:00:00.000Z (the stream accepts 1.0 h: maxFutureSkewMs)",
    )
    expect(reasonOf(at('2026-11-23T13:00:00.001Z'), LOG_TIME + 1)).toBe('ok')
    const strict = compileDecoder(defineStream('strict', { ts: t.eventTime() }, { maxFutureSkewMs: 0 }))
    expect(strict(Buffer.from('{"ts": 1001}'), 1000)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^future: ts .* is 1 ms after .* \(the stream accepts 0 ms: maxFutureSkewMs\)$/),
    })
    expect(() => defineStream('bad', { ts: t.eventTime() }, { maxFutureSkewMs: -1 })).toThrow(/maxFutureSkewMs must be a non-negative integer/)
  })
})

describe('missing and invalid values, by the field policies', () => {
  const listings = defineStream('listings', {
    title: t.string(),
    brand: t.string().optional(),
    price: t.float64().optional().onInvalid('null'),
    stock: t.int64().default(0).onInvalid('default'),
    rating: t.float64().optional(),
    ts: t.eventTime(),
  })
  const decodeListing = compileDecoder(listings)
  const decoded = (event: Record<string, unknown>) => decodeListing(Buffer.from(JSON.stringify(event)), LOG_TIME)

  it('gives null for a missing optional field and the default for a missing field with one', () => {
    expect(decoded({ title: 'a', ts: 1 })).toEqual({ ok: true, event: { title: 'a', brand: null, price: null, stock: 0, rating: null, ts: 1 } })
    expect(decoded({ title: 'a', brand: null, stock: null, ts: 1 })).toMatchObject({ ok: true, event: { brand: null, stock: 0 } })
    expect(decoded({ title: 'a', brand: 'b', price: 1.5, stock: 3, rating: 4, ts: 1 })).toEqual({
      ok: true,
      event: { title: 'a', brand: 'b', price: 1.5, stock: 3, rating: 4, ts: 1 },
    })
  })

  it("turns an invalid value into null or the default where onInvalid says so, and dead-letters it otherwise (a required field's missing value too)", () => {
    expect(decoded({ title: 'a', price: 'N/A', stock: 'lots', ts: 1 })).toMatchObject({ ok: true, event: { price: null, stock: 0 } })
    expect(decoded({ title: 'a', rating: 'five', ts: 1 })).toEqual({ ok: false, reason: 'schema: field "rating": expected a finite number, got "five"' })
    expect(decoded({ ts: 1 })).toEqual({ ok: false, reason: 'schema: field "title" is missing' })
    expect(decoded({ title: null, ts: 1 })).toEqual({ ok: false, reason: 'schema: field "title": expected a string, got null' })
  })

  it('refuses policies that cannot apply, a default that is not a value of the field, and an optional event time', () => {
    expect(() => t.string().onInvalid('null')).toThrow(/needs an optional field/)
    expect(() => t.string().onInvalid('default')).toThrow(/needs a default/)
    expect(() => t.int64().default(1.5)).toThrow(/not a valid value/)
    expect(() => t.enum(['a', 'b']).default('c' as 'a')).toThrow(/not a valid value/)
    expect(t.string().optional().default('x').nullable).toBe(false)
    expect(() => defineStream('x', { ts: { ...t.eventTime(), nullable: true } })).toThrow(/cannot be optional/)
  })
})
