import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bitValue, byteaBase64, decimalValue, instantIso, int8Value, localIso, mysqlTimeText } from './convert-values.ts'

describe('convert-values', () => {
  it('64-bit integers: numbers while safe, exact strings beyond', () => {
    expect(int8Value('42')).toBe(42)
    expect(int8Value('-9007199254740991')).toBe(-9007199254740991)
    expect(int8Value('9007199254740992')).toBe('9007199254740992')
    expect(int8Value('-9223372036854775808')).toBe('-9223372036854775808')
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        const v = int8Value(n.toString())
        // Never a loss: a number is the exact value, a string the exact text.
        expect(typeof v === 'number' ? BigInt(v) : BigInt(v)).toBe(n)
        expect(typeof v === 'number').toBe(n >= -(2n ** 53n - 1n) && n <= 2n ** 53n - 1n)
      }),
    )
  })

  it('decimals: numbers up to 15 significant digits (printed back the same), strings beyond', () => {
    expect(decimalValue('12.50')).toBe(12.5)
    expect(decimalValue('-0.000001')).toBe(-0.000001)
    expect(decimalValue('1234567890.12345')).toBe(1234567890.12345)
    expect(decimalValue('12345678901234567.89')).toBe('12345678901234567.89')
    expect(decimalValue('NaN')).toBe('NaN')
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }), (unscaled, scale) => {
        const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
        const text = `${unscaled < 0n ? '-' : ''}${scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`}`
        const v = decimalValue(text)
        if (typeof v === 'number') {
          // The double prints back as the same decimal (trailing zeros aside).
          const normal = (s: string) =>
            s
              .replace(/(\.\d*?)0+$/, '$1')
              .replace(/\.$/, '')
              .replace(/^-0$/, '0')
          expect(normal(v.toFixed(scale))).toBe(normal(text))
        } else expect(v).toBe(text)
      }),
    )
  })

  it('times with a zone: ISO-8601 in UTC with every digit; without a zone: ISO without one', () => {
    expect(instantIso('2026-01-15 10:05:00.123456+00')).toBe('2026-01-15T10:05:00.123456Z')
    expect(instantIso('2026-01-15 10:05:00+00')).toBe('2026-01-15T10:05:00Z')
    expect(instantIso('2026-01-15 10:05:00+05:30')).toBe('2026-01-15T10:05:00+05:30')
    expect(instantIso('2026-01-15 10:05:00-03')).toBe('2026-01-15T10:05:00-03:00')
    expect(instantIso('2026-01-15 10:05:00.5')).toBe('2026-01-15T10:05:00.5Z') // MySQL TIMESTAMP in a UTC session
    expect(instantIso('1880-01-01 00:00:00+00:09:21')).toBe('1880-01-01 00:00:00+00:09:21')
    expect(instantIso('infinity')).toBe('infinity')
    expect(instantIso('0000-00-00 00:00:00')).toBe('0000-00-00T00:00:00Z')
    expect(localIso('2026-01-15 10:05:00.123456')).toBe('2026-01-15T10:05:00.123456')
    expect(localIso('2026-01-15 10:05:00+00')).toBe('2026-01-15 10:05:00+00')
    expect(mysqlTimeText('2026-01-15T10:05:00.123456Z')).toBe('2026-01-15 10:05:00.123456')
    expect(mysqlTimeText('2026-01-15T10:05:00')).toBe('2026-01-15 10:05:00')
    // Every instant survives the round trip with the precision the server keeps (microseconds).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.integer({ min: 0, max: 999 }), (ms, micros) => {
        const iso = new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`)
        const server = `${iso.slice(0, 10)} ${iso.slice(11, -1)}+00`
        expect(instantIso(server)).toBe(iso)
        expect(mysqlTimeText(instantIso(server))).toBe(server.slice(0, -3))
        expect(Date.parse(instantIso(server))).toBe(ms)
        // MySQL's form (no offset) and the same with fewer fraction digits.
        expect(instantIso(server.slice(0, -3))).toBe(iso)
        expect(instantIso(server.slice(0, -6))).toBe(`${iso.slice(0, -4)}Z`)
      }),
    )
    // What servers write in other forms stays as written (and fails the stream's validation with a reason).
    for (const odd of ['2026-01-15 10:05:00.', '2026-01-15 10:05:00.+00', '0044-03-15 12:00:00+00 BC', '10000-01-01 00:00:00+00', '2026-01-15 10:05:00.1a', '-infinity'])
      expect(instantIso(odd)).toBe(odd)
  })

  it('binary as base64, BIT as a number', () => {
    expect(byteaBase64('\\x00ff10')).toBe(Buffer.from([0, 255, 16]).toString('base64'))
    expect(bitValue(Buffer.from([1]))).toBe(1)
    expect(bitValue(Buffer.from([0x01, 0x00]))).toBe(256)
    expect(bitValue(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe('18446744073709551615')
  })
})
