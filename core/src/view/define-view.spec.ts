import { describe, expect, it, expectTypeOf } from 'vitest'
import { compileViewEvaluator, count, lit, defineStream, defineView, sum, t, TwinflowError, type ViewRow } from '../index.ts'

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

  it('samples the values of a key deterministically, on top of the filter, and refuses bad samples', () => {
    const v = defineView('v', s, { where: (e) => e.n.gt(0), groupBy: () => ({}), window: '1h', measures: () => ({ c: count() }), sample: { rate: 0.3, by: (e) => e.k } })
    expect(v.sample).toMatchObject({ rate: 0.3, by: { op: 'field', name: 'k' } })
    const evaluate = compileViewEvaluator(v)
    const kept = (k: string, n: number) => evaluate({ k, n, f: 0, b: true, st: 'a', ts: 0 }) !== null
    const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`)
    const sampled = users.filter((u) => kept(u, 1))
    // About 30 % of the users, each with all of its events; the filter still applies.
    expect(sampled.length / users.length).toBeGreaterThan(0.26)
    expect(sampled.length / users.length).toBeLessThan(0.34)
    expect(sampled.every((u) => kept(u, 5) && !kept(u, 0))).toBe(true)
    const bad = (sample: any) => () => defineView('v', s, { groupBy: () => ({}), window: '1h', measures: () => ({ c: count() }), sample })
    expect(bad({ rate: 0, by: (e: any) => e.k })).toThrow(/sample rate must be above 0 and at most 1/)
    expect(bad({ rate: 1.5, by: (e: any) => e.k })).toThrow(/sample rate/)
    expect(bad({ rate: 0.5, by: (e: any) => e.f })).toThrow(/view "v": a sample by a float is not supported/)
    expect(bad({ rate: 0.5, by: () => 'k' })).toThrow(/sample.by must return an expression/)
  })
})
