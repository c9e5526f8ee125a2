import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { t } from './t.ts'

const types = {
  string: t.string(),
  shortString: t.string({ maxBytes: 5 }),
  enum: t.enum(['paid', 'created']),
  int64: t.int64(),
  float64: t.float64(),
  boolean: t.boolean(),
  eventTime: t.eventTime(),
  optionalString: t.string().optional(),
  optionalFloatInvalidNull: t.float64().optional().onInvalid('null'),
  intWithDefault: t.int64().default(3).onInvalid('default'),
}

// Any JSON value, plus the edge cases each type must tell apart.
const values = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\ud800', 'a\udc00b', '\ud83d\ude00', 'paid', 'PAID', '2026-11-23T12:00:00Z', '2026-11-23T12:00:00'),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -1, 2 ** 53, 2 ** 53 - 1, 0.5, Date.UTC(9999, 0, 1), Date.UTC(9999, 0, 1) - 1),
)

describe('field types: the fast path agrees with parse', () => {
  for (const [name, type] of Object.entries(types)) {
    it(`${name}: accepts(v) only when parse(v) succeeds and returns v unchanged`, () => {
      fc.assert(
        fc.property(values, (v) => {
          if (!type.accepts!(v)) return
          const parsed = type.parse(v)
          expect(parsed.ok).toBe(true)
          expect(parsed.ok && Object.is(parsed.value, v)).toBe(true)
        }),
        { numRuns: 2000 },
      )
    })
  }

  it('rejects strings longer than maxBytes (UTF-8 bytes, 4 KiB by default) on both paths', () => {
    const short = t.string({ maxBytes: 5 })
    for (const [v, ok] of [
      ['12345', true],
      ['123456', false],
      ['ñññ', false],
      ['ññ', true],
      ['😀', true],
      ['😀x', true],
      ['😀xy', false],
    ] as const) {
      expect(short.parse(v).ok, v).toBe(ok)
      expect(short.accepts!(v), v).toBe(ok)
    }
    expect(short.parse('123456')).toEqual({ ok: false, reason: "string of 6 bytes is longer than the field's maxBytes 5" })
    expect(t.string().parse('x'.repeat(4096)).ok).toBe(true)
    expect(t.string().parse('x'.repeat(4097)).ok).toBe(false)
    expect(t.string().parse('é'.repeat(2049)).ok).toBe(false)
    expect(() => t.string({ maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/)
  })

  it('rejects lone surrogates on both paths', () => {
    for (const v of ['\ud800', 'x\udfff', '\udc00\ud800']) {
      expect(types.string.accepts!(v)).toBe(false)
      expect(types.string.parse(v).ok).toBe(false)
    }
    expect(types.string.accepts!('\ud83d\ude00')).toBe(true)
  })

  it('leaves ISO event times to parse, which normalizes them', () => {
    expect(types.eventTime.accepts!('2026-11-23T12:00:00Z')).toBe(false)
    expect(types.eventTime.parse('2026-11-23T12:00:00Z')).toEqual({ ok: true, value: Date.UTC(2026, 10, 22 + 1, 12) })
  })
})
