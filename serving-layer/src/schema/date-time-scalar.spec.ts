import { Kind } from 'graphql'
import { describe, expect, it } from 'vitest'
import { DateTimeScalar } from './date-time-scalar.ts'

describe('DateTimeScalar', () => {
  it('serializes epoch milliseconds as ISO-8601 UTC, the same on every call and past the cache bound', () => {
    const base = Date.UTC(2026, 10, 23, 10)
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20_000; i += 7) expect(DateTimeScalar.serialize(base + i * 60_000)).toBe(new Date(base + i * 60_000).toISOString())
    }
    expect(DateTimeScalar.serialize(0)).toBe('1970-01-01T00:00:00.000Z')
  })

  it('parses ISO-8601 with a zone and epoch milliseconds; refuses a time without a zone', () => {
    expect(DateTimeScalar.parseValue('2026-11-23T10:00:00+01:00')).toBe(Date.UTC(2026, 10, 23, 9))
    expect(DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1000' })).toBe(1000)
    expect(() => DateTimeScalar.parseValue('2026-11-23T10:00:00')).toThrow(/with a zone/)
  })
})
