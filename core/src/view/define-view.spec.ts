import { describe, expect, it, expectTypeOf } from 'vitest'
import { count, lit, defineStream, defineView, sum, t, TwinflowError, type ViewRow } from '../index.ts'

const s = defineStream('s', { k: t.string(), n: t.int64(), f: t.float64(), b: t.boolean(), st: t.enum(['a', 'b']), ts: t.eventTime() })

describe('defineView', () => {
  it('resolves keys, cells and column names, and types its rows', () => {
    const v = defineView('v', s, {
      derive: (e) => ({ big: e.n.gt(10) }),
      where: (e) => e.st.eq('a').and(e.big),
      groupBy: (e) => ({ key: e.k, big: e.big }),
      window: '5m',
      measures: (e) => ({ c: count(), total: sum(e.f) }),
    })
    expect(v.keys.map((k) => k.column)).toEqual(['_k_key', '_k_big'])
    expect(v.cells.map((c) => c.column)).toEqual(['_m_c_count', '_m_total_sum'])
    expect(v.windowMs).toBe(300_000)
    expectTypeOf<ViewRow<typeof v>>().toEqualTypeOf<{ windowStart: number } & { key: string; big: boolean } & { c: number; total: number }>()
  })

  it('rejects bad declarations with a message that says what to fix', () => {
    const bad = (spec: any) => () => defineView('v', s, { groupBy: () => ({}), window: '1h', measures: () => ({ c: count() }), ...spec })
    expect(bad({ window: '2h' })).toThrow(/window "2h" is not one of/)
    expect(bad({ groupBy: (e: any) => ({ f: e.f }) })).toThrow(/key "f" is a float/)
    expect(bad({ measures: () => ({}) })).toThrow(/at least one measure/)
    expect(bad({ groupBy: (e: any) => ({ c: e.k }) })).toThrow(/"c" is used twice/)
    expect(() => (s.fields.k as any) && defineView('v', s, { groupBy: () => ({}), window: '1h', measures: (e) => ({ x: sum(e.k as any) }) })).toThrow(TwinflowError)
    expect(() => defineView('v', s, { where: (e) => e.n.lt(lit('x') as any), groupBy: () => ({}), window: '1h', measures: () => ({ c: count() }) })).toThrow(
      /cannot compare int with string/,
    )
  })
})
