import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileFieldMapping, compileValueDecoder, defineStream, t, TwinflowError } from '../index.ts'

const orders = defineStream('orders', {
  orderId: t.string(),
  amount: t.int64(),
  price: t.float64(),
  paid: t.boolean(),
  status: t.enum(['created', 'paid']),
  ts: t.eventTime(),
})
const csvRow = { orderId: 'o1', amount: ' 42 ', price: '1e3', paid: 'TRUE', status: 'paid', ts: '2024-03-01T12:00:00+07:00' }
const map = (record: Record<string, unknown>, spec: unknown = {}) => compileFieldMapping(orders, spec)(record)
const reasonOf = (record: Record<string, unknown>, spec: unknown = {}) => {
  const r = map(record, spec)
  return r.ok ? 'ok' : r.reason
}

describe('compileFieldMapping', () => {
  it('converts CSV strings to the declared types', () => {
    expect(map(csvRow)).toEqual({ ok: true, event: { orderId: 'o1', amount: 42, price: 1000, paid: true, status: 'paid', ts: Date.parse('2024-03-01T05:00:00Z') } })
    expect(map({ ...csvRow, paid: 'false', amount: '-0', price: '.5', ts: '1709294400000' })).toMatchObject({ event: { paid: false, amount: 0, price: 0.5, ts: 1709294400000 } })
    expect(Object.is((map({ ...csvRow, amount: '-0' }) as any).event.amount, 0)).toBe(true)
    expect(map({ ...csvRow, paid: '1' })).toMatchObject({ event: { paid: true } })
    expect(map({ ...csvRow, orderId: '' })).toMatchObject({ event: { orderId: '' } })
  })

  it('says which field cannot be mapped and why', () => {
    expect(reasonOf({ ...csvRow, amount: '' })).toBe('mapping: field "amount": empty, expected an integer')
    expect(reasonOf({ ...csvRow, amount: '1e3' })).toBe('mapping: field "amount": "1e3" is not an integer')
    expect(reasonOf({ ...csvRow, amount: '4.0' })).toBe('mapping: field "amount": "4.0" is not an integer')
    expect(reasonOf({ ...csvRow, amount: '9007199254740993' })).toBe('mapping: field "amount": "9007199254740993" is beyond ±(2^53 - 1), the integers kept exactly')
    expect(reasonOf({ ...csvRow, amount: '9007199254740991' })).toBe('ok')
    expect(reasonOf({ ...csvRow, amount: 2n ** 60n })).toMatch(/^mapping: field "amount": 1152921504606846976 is beyond/)
    expect(reasonOf({ ...csvRow, price: 'NaN' })).toBe('mapping: field "price": "NaN" is not a decimal number')
    expect(reasonOf({ ...csvRow, price: '0x10' })).toBe('mapping: field "price": "0x10" is not a decimal number')
    expect(reasonOf({ ...csvRow, price: '1e400' })).toBe('mapping: field "price": "1e400" is out of range for a float64')
    expect(reasonOf({ ...csvRow, paid: 'yes' })).toBe('mapping: field "paid": "yes" is not a boolean (true, false, 1 or 0)')
    expect(reasonOf({ ...csvRow, paid: ' ' })).toBe('mapping: field "paid": empty, expected true or false')
    expect(reasonOf({ ...csvRow, ts: '2024-03-01 12:00' })).toBe(
      'mapping: field "ts": "2024-03-01 12:00" has no zone (end it with Z or an offset such as +07:00, or give the format a zone)',
    )
    expect(reasonOf({ ...csvRow, ts: '2024-02-30T00:00:00Z' })).toBe('mapping: field "ts": "2024-02-30T00:00:00Z" is not a valid time (a field is out of range)')
  })

  it('leaves what it cannot judge to the stream decoder: missing fields, enums, nulls', () => {
    const decode = compileValueDecoder(orders)
    const decoded = (record: Record<string, unknown>) => {
      const m = map(record)
      if (!m.ok) return m.reason
      const d = decode(m.event, Date.parse('2030-01-01T00:00:00Z'))
      return d.ok ? 'ok' : d.reason
    }
    expect(decoded(csvRow)).toBe('ok')
    expect(decoded({ ...csvRow, status: 'lost' })).toBe('schema: field "status": expected one of created, paid, got "lost"')
    expect(decoded({ ...csvRow, orderId: null })).toBe('schema: field "orderId" is missing')
    expect(decoded({ ...csvRow, amount: undefined })).toBe('schema: field "amount" is missing')
    expect(decoded({ ...csvRow, amount: 1.5 })).toBe('schema: field "amount": expected a safe integer, got 1.5')
    expect(decode({ ...map(csvRow), ts: Date.parse('2031-01-01T00:00:00Z') }, 0).ok).toBe(false)
  })

  it("a value that does not convert follows its field's onInvalid policy, as in a JSON event", () => {
    const scraped = defineStream('scraped', { price: t.int64().optional().onInvalid('null'), qty: t.int64().default(1).onInvalid('default'), n: t.int64(), ts: t.eventTime() })
    const decode = compileValueDecoder(scraped)
    const mapped = compileFieldMapping(scraped, {})({ price: 'N/A', qty: 'many', n: '3', ts: '0' })
    expect(mapped.ok && decode(mapped.event, 0)).toEqual({ ok: true, event: { price: null, qty: 1, n: 3, ts: 0 } })
    expect(compileFieldMapping(scraped, {})({ price: '5', n: 'three', ts: '0' })).toEqual({ ok: false, reason: 'mapping: field "n": "three" is not an integer' })
  })

  it('renames, sets constants, drops, and is strict when asked', () => {
    const spec = { rename: { order_id: 'orderId', created_at: 'ts' }, constants: { status: 'paid' }, drop: ['comment'] }
    const record = { order_id: 'o9', amount: 5, price: 1.5, paid: false, status: 'created', created_at: 1000, comment: 'x', extra: 1 }
    expect(map(record, spec)).toEqual({ ok: true, event: { orderId: 'o9', amount: 5, price: 1.5, paid: false, status: 'paid', ts: 1000 } })
    expect(reasonOf(record, { ...spec, strict: true })).toBe('mapping: unknown input field "extra" (the mapping is strict)')
    const { extra: _, ...known } = record
    expect(reasonOf(known, { ...spec, strict: true })).toBe('ok')
    expect(map({ ...record, amount: '7' }, { ...spec, drop: ['amount'] })).toMatchObject({ ok: true, event: { orderId: 'o9' } })
    expect((map({ ...record, amount: '7' }, { ...spec, drop: ['amount'] }) as { event: object }).event).not.toHaveProperty('amount')
  })

  it('a bad spec is a config error that names the key', () => {
    const error = (spec: unknown) => {
      try {
        compileFieldMapping(orders, spec, 'mapping')
      } catch (e) {
        expect(TwinflowError.is(e, 'config')).toBe(true)
        return (e as Error).message
      }
      throw new Error('no error')
    }
    expect(error({ rename: { a: 'nope' } })).toContain('mapping.rename.a: "nope" is not a field of stream "orders"')
    expect(error({ rename: { a: 'orderId', b: 'orderId' } })).toContain('mapping.rename.b: "a" is renamed to "orderId" too')
    expect(error({ constants: { amount: 'many' } })).toContain('mapping.constants.amount: "many" is not an integer')
    expect(error({ constants: { status: 'lost' } })).toContain('mapping.constants.status: expected one of created, paid')
    expect(error({ constants: { nope: 1 } })).toContain('mapping.constants.nope: "nope" is not a field')
    expect(error({ timestamps: { orderId: 'iso' } })).toContain('mapping.timestamps.orderId: field "orderId" is a string, not a time or an integer')
    expect(error({ timestamps: { ts: { format: 'pattern', pattern: 'yyyy-MM-dd', zone: 'Mars/Olympus' } } })).toContain(
      'mapping.timestamps.ts.zone: must be an IANA time zone such as "Asia/Jakarta" or "UTC", got "Mars/Olympus"',
    )
    expect(error({ timestamps: { ts: 'unix' } })).toContain('mapping.timestamps.ts')
    expect(error({ renames: {} })).toContain('unknown option "renames"')
    expect(error({ timestamps: { ts: { format: 'pattern', pattern: 'HH:mm', zone: 'UTC' } } })).toBe(
      'invalid mapping of stream "orders":\n  - mapping.timestamps.ts: the pattern "HH:mm" cannot read back what it writes ("04:05"): check its tokens (yyyy, MM, dd, HH, mm, ss, SSS...)',
    )
  })
})

describe('timestamp formats', () => {
  const ts = (value: unknown, format: unknown) => {
    const r = compileFieldMapping(orders, { timestamps: { ts: format } })({ ...csvRow, ts: value })
    return r.ok ? r.event.ts : r.reason
  }

  it('epoch seconds and milliseconds, exactly', () => {
    expect(ts('1709294400', 'epoch-s')).toBe(1709294400000)
    expect(ts('1709294400.003', 'epoch-s')).toBe(1709294400003)
    expect(ts(1709294400.003, 'epoch-s')).toBe(1709294400003)
    expect(ts('1709294400.123456', 'epoch-s')).toBe(1709294400123)
    expect(ts(1709294400123, 'epoch-ms')).toBe(1709294400123)
    expect(ts(' 1709294400123 ', { format: 'epoch-ms' })).toBe(1709294400123)
    expect(ts(1709294400123n, 'epoch-ms')).toBe(1709294400123)
    expect(ts('1709294400123.5', 'epoch-ms')).toBe('mapping: field "ts": "1709294400123.5" is not a whole number of milliseconds')
    expect(ts('17e8', 'epoch-s')).toBe('mapping: field "ts": "17e8" is not epoch-s (a plain decimal number)')
    expect(ts(true, 'epoch-s')).toBe('mapping: field "ts": expected epoch-s (a number), got boolean true')
  })

  it('ISO-8601 with a zone, or read in the given zone', () => {
    expect(ts('2024-03-01T12:00:00.250+0700', 'iso')).toBe(Date.parse('2024-03-01T05:00:00.250Z'))
    expect(ts('2024-03-01 12:00Z', 'iso')).toBe(Date.parse('2024-03-01T12:00:00Z'))
    expect(ts('2024-03-01T12:00:00.123456789-03:30', 'iso')).toBe(Date.parse('2024-03-01T15:30:00.123Z'))
    expect(ts('2024-03-01T12:00:00', { format: 'iso', zone: 'Asia/Jakarta' })).toBe(Date.parse('2024-03-01T05:00:00Z'))
    expect(ts('2024-03-01', { format: 'iso', zone: 'Europe/Berlin' })).toBe(Date.parse('2024-02-29T23:00:00Z'))
    expect(ts('2024-03-01T12:00:00Z', { format: 'iso', zone: 'Asia/Jakarta' })).toBe(Date.parse('2024-03-01T12:00:00Z'))
    expect(ts('12:00', 'iso')).toBe('mapping: field "ts": "12:00" is not an ISO-8601 time')
  })

  it('patterns in an IANA zone', () => {
    const jakarta = { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss', zone: 'Asia/Jakarta' }
    expect(ts('2024-03-01 12:00:00', jakarta)).toBe(Date.parse('2024-03-01T05:00:00Z'))
    expect(ts('01/03/2024 12:00', { format: 'pattern', pattern: 'dd/MM/yyyy HH:mm', zone: 'UTC' })).toBe(Date.parse('2024-03-01T12:00:00Z'))
    expect(ts('Mar 1 2024 1:05 PM', { format: 'pattern', pattern: 'MMM d yyyy h:mm a', zone: 'America/New_York' })).toBe(Date.parse('2024-03-01T18:05:00Z'))
    expect(ts('2024-03-01 12:00:00 +02:00', { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss ZZ', zone: 'Asia/Jakarta' })).toBe(Date.parse('2024-03-01T10:00:00Z'))
    expect(ts('2024-03-01T12:00:00', jakarta)).toMatch(/^mapping: field "ts": "2024-03-01T12:00:00" does not match the pattern "yyyy-MM-dd HH:mm:ss"/)
  })

  it('at daylight-saving edges: a repeated time is its first instant, a skipped time a dead letter', () => {
    const berlin = { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm', zone: 'Europe/Berlin' }
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST.
    expect(ts('2024-03-31 01:59', berlin)).toBe(Date.parse('2024-03-31T00:59:00Z'))
    expect(ts('2024-03-31 02:30', berlin)).toBe('mapping: field "ts": 2024-03-31 02:30:00 does not exist in Europe/Berlin (clocks were set forward over it)')
    expect(ts('2024-03-31 03:00', berlin)).toBe(Date.parse('2024-03-31T01:00:00Z'))
    // 2024-10-27: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
    expect(ts('2024-10-27 02:30', berlin)).toBe(Date.parse('2024-10-27T00:30:00Z'))
    expect(ts('2024-10-27 03:00', berlin)).toBe(Date.parse('2024-10-27T02:00:00Z'))
    expect(ts('2024-10-27 01:59', berlin)).toBe(Date.parse('2024-10-26T23:59:00Z'))
    // New York, and a zone whose offset is not whole hours.
    const ny = { format: 'iso', zone: 'America/New_York' }
    expect(ts('2024-11-03T01:30:00', ny)).toBe(Date.parse('2024-11-03T05:30:00Z'))
    expect(ts('2024-03-10T02:30:00', ny)).toMatch(/does not exist in America\/New_York/)
    // Lord Howe sets its clocks back half an hour (02:00 +11:00 → 01:30 +10:30).
    expect(ts('2024-04-07 01:45', { ...berlin, zone: 'Australia/Lord_Howe' })).toBe(Date.parse('2024-04-06T14:45:00Z'))
    expect(ts('2024-04-07 02:30', { ...berlin, zone: 'Australia/Lord_Howe' })).toBe(Date.parse('2024-04-06T16:00:00Z'))
  })

  it('property: a wall-clock time formatted in a zone reads back as its instant, except in skipped hours', () => {
    const zones = ['Asia/Jakarta', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC']
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2037, 0, 1) }), fc.constantFrom(...zones), (instant, zone) => {
        const ms = Math.floor(instant / 1000) * 1000
        const wall = new Intl.DateTimeFormat('sv-SE', {
          timeZone: zone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        }).format(ms)
        const got = ts(wall, { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss', zone })
        // A repeated wall-clock time reads as its first instant: the same, or up to the repeat earlier.
        expect(typeof got).toBe('number')
        expect(ms - (got as number)).toBeGreaterThanOrEqual(0)
        expect(ms - (got as number)).toBeLessThanOrEqual(3_600_000)
        if (ms - (got as number) > 0) expect(ts(wall, { format: 'iso', zone })).toBe(got)
      }),
      { numRuns: 300 },
    )
  })
})

describe('CSV conversion, properties', () => {
  it('every safe integer survives its decimal string, padded with spaces and a sign', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('', ' ', '  '), (n, pad) => {
        expect(map({ ...csvRow, amount: `${pad}${n}${pad}` })).toMatchObject({ ok: true, event: { amount: n === 0 ? 0 : n } })
      }),
    )
  })
  it('integers beyond 2^53 are rejected, never rounded', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }), fc.boolean(), (n, negative) => {
        const text = `${negative ? '-' : ''}${n}`
        expect(reasonOf({ ...csvRow, amount: text })).toMatch(/beyond/)
      }),
    )
  })
  it('every finite double survives its shortest string', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const r = map({ ...csvRow, price: String(x) })
        expect(r).toMatchObject({ ok: true })
        expect((r as any).event.price).toBe(x === 0 ? 0 : x)
      }),
    )
  })
  it('never throws, whatever the strings', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('orderId', 'amount', 'price', 'paid', 'status', 'ts', 'x'), fc.string()), (record) => {
        const r = map(record)
        if (!r.ok) expect(r.reason).toMatch(/^mapping: field "\w+": /)
      }),
    )
  })
})
