import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareCodePoints, compareScalars } from './row-order.ts'

const sign = (n: number) => Math.sign(n)
const utf8 = (s: string) => Buffer.from(s, 'utf8')

describe('compareScalars', () => {
  it('orders strings as their UTF-8 bytes (code points), as ClickHouse orders Strings (property)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('a', 'é', '\uE000', '\uFB01', '\uFFFD', '\u{10000}', '\u{1F600}') }))
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareCodePoints(a, b))).toBe(sign(Buffer.compare(utf8(a), utf8(b))))
        expect(sign(compareScalars(a, b))).toBe(sign(Buffer.compare(utf8(a), utf8(b))))
      }),
      { numRuns: 2000 },
    )
  })

  it('puts code points above U+FFFF after U+E000..U+FFFF, where UTF-16 units put them before', () => {
    expect('\u{1F600}' < '\uFB01').toBe(true)
    expect(compareScalars('\u{1F600}', '\uFB01')).toBe(1)
    expect(compareScalars('\uFB01', '\u{1F600}')).toBe(-1)
    expect(compareScalars('\uD7FF', '\u{10000}')).toBe(-1)
    expect(compareScalars('ab', 'a')).toBe(1)
    expect(compareScalars('a', 'a')).toBe(0)
  })

  it('numbers numerically, false before true', () => {
    expect(compareScalars(2, 10)).toBe(-1)
    expect(compareScalars(-0, 0)).toBe(0)
    expect(compareScalars(false, true)).toBe(-1)
    expect(compareScalars(true, false)).toBe(1)
  })
})
