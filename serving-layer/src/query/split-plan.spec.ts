import { describe, expect, it } from 'vitest'
import { count, defineView, distinct } from '@twinflow/core'
import { SplitPlan } from './split-plan.ts'
import { sales, salesView, snapshotOf, type Sale } from './test-view.ts'
import type { SplitQuery } from './view-query.ts'

const H = 3_600_000
const from = Date.UTC(2026, 0, 1)
const to = from + 86_400_000
const limits = { maxRangeMs: 86_400_000, maxRows: 100, defaultRows: 10, maxScanRows: 1000 }
const events: Sale[] = [
  { shop: 'a', web: true, cents: 10, ts: from },
  { shop: 'a', web: false, cents: 30, ts: from + H },
  { shop: 'b', web: true, cents: 15, ts: from + H },
  { shop: 'c', web: false, cents: 20, ts: from },
  { shop: 'd', web: true, cents: 5, ts: from + 2 * H },
]
const split = (query: Partial<SplitQuery>) =>
  new SplitPlan(salesView, { view: 'sales', from, to, measure: 'cents', top: 10, ...query }, limits).answer(snapshotOf(events, from, to))

describe('SplitPlan', () => {
  it('charts the top groups of the split keys, the other keys merged, and the rest as other', () => {
    const answer = split({ splitBy: ['shop'], top: 2 })
    expect(answer.windows).toEqual([from, from + H, from + 2 * H])
    expect(answer.groupCount).toBe(4)
    expect(answer.series).toEqual([
      { keys: { shop: 'a' }, other: false, total: 40, values: [10, 30, null] },
      { keys: { shop: 'c' }, other: false, total: 20, values: [20, null, null] },
      { keys: {}, other: true, total: 20, values: [null, 15, 5] },
    ])
  })

  it('ranks by the measure over the whole range with its monoid (an average of events, not of buckets)', () => {
    const answer = split({ measure: 'avgCents', splitBy: ['web'], granularity: '1d' })
    expect(answer.series).toEqual([
      { keys: { web: false }, other: false, total: 25, values: [25] },
      { keys: { web: true }, other: false, total: 10, values: [10] },
    ])
    expect(split({ measure: 'avgCents', splitBy: ['web'], direction: 'ASC', top: 1 }).series.map((s) => [s.keys, s.other, s.total])).toEqual([
      [{ web: true }, false, 10],
      [{}, true, 25],
    ])
  })

  it('splits by every key by default, by none for the total, and filters on keys first', () => {
    expect(split({}).series).toHaveLength(5)
    expect(split({ splitBy: [] }).series).toEqual([{ keys: {}, other: false, total: 80, values: [30, 45, 5] }])
    expect(split({ splitBy: ['shop'], keyFilter: { web: [true] } }).series.map((s) => s.keys.shop)).toEqual(['b', 'a', 'd'])
  })

  it('checks its arguments before reading', () => {
    expect(() => split({ measure: 'shop' })).toThrow('view "sales" has no measure "shop"; chart one of n, cents, biggest, avgCents')
    expect(() => split({ splitBy: ['channel'] })).toThrow('view "sales" has no key "channel" to split by; its keys: shop, web')
    expect(() => split({ top: 0 })).toThrow('top must be an integer from 1 to 100, got 0')
  })

  it('charts no sketch measure: a distinct count ranks nothing', () => {
    const shops = defineView('shops', sales, { groupBy: (s) => ({ web: s.web }), window: '1h', measures: (s) => ({ n: count(), shops: distinct(s.shop) }) })
    expect(() => new SplitPlan(shops, { view: 'shops', from, to, measure: 'shops', top: 3 }, limits)).toThrow(
      'measure "shops" of view "shops" is a distinct() sketch, which ranks nothing; chart one of n',
    )
  })
})
