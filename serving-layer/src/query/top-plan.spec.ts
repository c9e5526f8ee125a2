import { describe, expect, it } from 'vitest'
import { TopPlan } from './top-plan.ts'
import { salesView, snapshotOf, type Sale } from './test-view.ts'

const from = Date.UTC(2026, 0, 1)
const to = from + 86_400_000
const limits = { maxRangeMs: 86_400_000, maxRows: 100, defaultRows: 10, maxScanRows: 1000 }
const events: Sale[] = [
  { shop: 'a', web: true, cents: 10, ts: from },
  { shop: 'a', web: true, cents: 10, ts: from + 7_200_000 },
  { shop: 'b', web: true, cents: 15, ts: from + 3_600_000 },
  { shop: 'c', web: false, cents: 20, ts: from },
  { shop: 'c', web: true, cents: 5, ts: from },
]
const top = (by: string, direction: 'ASC' | 'DESC', limit: number, keyFilter = {}) =>
  new TopPlan(salesView, { view: 'sales', from, to, by, direction, limit, keyFilter }, limits).answer(snapshotOf(events, from, to))

describe('TopPlan', () => {
  it('ranks the groups totalled over the whole range by a measure, ties broken by the keys', () => {
    expect(top('cents', 'DESC', 2).rows).toEqual([
      { shop: 'a', web: true, n: 2, cents: 20, biggest: 10, avgCents: 10 },
      { shop: 'c', web: false, n: 1, cents: 20, biggest: 20, avgCents: 20 },
    ])
    expect(top('cents', 'ASC', 1).rows.map((r) => r.shop)).toEqual(['c'])
    expect(top('n', 'DESC', 10, { web: [true] }).rows.map((r) => [r.shop, r.n])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ])
  })

  it('ranks only by a measure', () => {
    expect(() => top('shop', 'DESC', 3)).toThrow('view "sales" has no measure "shop"; rank by one of n, cents, biggest, avgCents')
  })
})
