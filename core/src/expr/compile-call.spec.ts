import { describe, expect, it } from 'vitest'
import { caseWhen, coalesce, compileEvaluator, concat, defineStream, exprRow, greatest, ifElse, least, lit, t, type Expr } from '../index.ts'

const s = defineStream('s', { text: t.string(), n: t.int64(), f: t.float64(), b: t.boolean(), opt: t.string().optional(), num: t.int64().optional(), ts: t.eventTime() })
const e = exprRow(s.fields)
const row = { text: '', n: 0, f: 0, b: false, opt: null, num: null, ts: 0 }
const of = (x: Expr, values: Partial<typeof row> = {}) => compileEvaluator(x.node)({ ...row, ...values })

describe("the expression language's functions in JavaScript (the rules the batch SQL follows)", () => {
  it('maps case in ASCII only, trims ASCII whitespace, counts and cuts code points', () => {
    expect(of(e.text.lower(), { text: 'ÄBC Ünï' })).toBe('Äbc Ünï')
    expect(of(e.text.upper(), { text: 'straße ä' })).toBe('STRAßE ä')
    expect(of(e.text.trim(), { text: ' \t\n\v\f\r x y \u00a0\r\n' })).toBe('x y \u00a0')
    expect(of(e.text.length(), { text: 'a😀ü' })).toBe(3)
    expect(of(e.text.substring(1, 1), { text: 'a😀ü' })).toBe('😀')
    expect(of(e.text.substring(-2), { text: 'a😀ü' })).toBe('😀ü')
    expect(of(e.text.substring(-9, 1), { text: 'a😀ü' })).toBe('a')
    expect(of(e.text.substring(5), { text: 'abc' })).toBe('')
    expect(of(e.text.replace('aa', 'b'), { text: 'aaa$&' })).toBe('ba$&')
    expect(of(e.text.contains(''), { text: '' })).toBe(true)
    expect(of(concat(e.text, '-', e.text), { text: 'x' })).toBe('x-x')
    expect(() => e.text.replace('', 'x')).toThrow(/non-empty/)
    expect(() => e.text.substring(0, 1001)).toThrow(/0 to 1000/)
  })

  it('rounds half up, keeps the sign of the dividend in mod, truncates toInt and parses only plain integers', () => {
    expect([-2.5, -0.5, 0.5, 1.5, 2.5].map((f) => of(e.f.round(), { f }))).toEqual([-2, 0, 1, 2, 3])
    expect(of(e.f.round(1), { f: 0.25 })).toBe(0.3)
    expect(of(e.f.round(-1), { f: 25 })).toBe(30)
    expect(of(e.n.round(), { n: 7 })).toBe(7)
    expect([of(e.n.mod(3), { n: -7 }), of(e.n.mod(-3), { n: 7 }), of(e.n.mod(e.n), { n: 0 })]).toEqual([-1, 1, null])
    expect(() => e.n.mod(0)).toThrow(/always null/)
    expect([of(e.f.toInt(), { f: -2.7 }), of(e.f.toInt(), { f: 1 / 0 }), of(e.f.toInt(), { f: 2 ** 53 })]).toEqual([-2, null, null])
    expect(['12', '-0', '007', ' 1', '1.0', '1e3', '1234567890123456', ''].map((text) => of(e.text.parseInt(), { text }))).toEqual([12, 0, 7, null, null, null, null, null])
    expect([of(e.n.abs(), { n: -3 }), of(least(e.n, 2.5), { n: 3 }), of(greatest(e.n, e.f), { n: 1, f: 1.5 })]).toEqual([3, 2.5, 1.5])
    expect(() => e.f.asString()).toThrow(/float/)
    expect([of(e.b.asString(), { b: true }), of(e.n.asString(), { n: -5 })]).toEqual(['true', '-5'])
  })

  it('propagates nulls like SQL: strict functions, three-valued logic, coalesce and if', () => {
    expect(of(e.opt.lower())).toBeNull()
    expect(of(e.num.add(1))).toBeNull()
    expect(of(e.num.gt(1))).toBeNull()
    expect(of(e.num.gt(1).and(e.b))).toBe(false)
    expect(of(e.num.gt(1).or(e.b))).toBeNull()
    expect(of(e.num.gt(1).or(e.b.not()))).toBe(true)
    expect(of(e.num.in([1]))).toBeNull()
    expect(of(e.num.isNull())).toBe(true)
    expect(of(e.num.coalesce(7))).toBe(7)
    expect(of(coalesce(e.num, e.n), { n: 4 })).toBe(4)
    expect(of(ifElse(e.num.gt(0), 'pos', 'other'))).toBe('other')
    expect(of(ifElse(e.b, e.n, null), { b: false })).toBeNull()
    expect(
      of(
        caseWhen(
          [
            [e.n.lt(0), lit('neg')],
            [e.n.eq(0), lit('zero')],
          ],
          'pos',
        ),
        { n: 0 },
      ),
    ).toBe('zero')
    expect(e.num.coalesce(1).node.nullable).toBeUndefined()
    expect(ifElse(e.b, e.n, null).node.nullable).toBe(true)
  })

  it('reads calendar fields in UTC or on the wall clock of a zone, across daylight-saving changes', () => {
    const berlin = Date.UTC(2026, 2, 29, 0, 59, 59, 999) // 01:59:59.999 CET; a millisecond later it is 03:00 CEST
    expect([of(e.ts.hour('Europe/Berlin'), { ts: berlin }), of(e.ts.hour('Europe/Berlin'), { ts: berlin + 1 })]).toEqual([1, 3])
    expect(of(e.ts.hour(), { ts: berlin })).toBe(0)
    const newYork = Date.UTC(2026, 0, 1, 3) // 22:00 on Wednesday 31 December in New York
    expect([of(e.ts.dayOfWeek(), { ts: newYork }), of(e.ts.dayOfWeek('America/New_York'), { ts: newYork })]).toEqual([4, 3])
    expect([of(e.ts.year('America/New_York'), { ts: newYork }), of(e.ts.month('America/New_York'), { ts: newYork })]).toEqual([2025, 12])
    expect(of(e.ts.date('America/New_York'), { ts: newYork })).toBe(Date.UTC(2025, 11, 31))
    expect(of(e.ts.hour('Asia/Kolkata'), { ts: Date.UTC(2026, 5, 30, 18, 29) })).toBe(23)
    expect(() => e.ts.hour('Mars/Olympus')).toThrow(/unknown time zone/)
  })
})
