import { describe, expect, it } from 'vitest'
import { count, defineAlert, definePipeline, defineStream, defineView, distinct, sum, t } from '../index.ts'

const stream = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const view = defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: (o) => ({ n: count(), cents: sum(o.cents) }) })

describe('defineAlert', () => {
  it('validates and describes a rule', () => {
    const rule = defineAlert(view, {
      name: 'drop',
      measure: 'cents',
      range: '3h',
      per: 'total',
      change: '1w',
      below: -0.3,
      for: '15m',
      renotify: '1d',
      where: { shop: ['a', 'b'] },
    })
    expect(rule).toMatchObject({
      name: 'drop',
      measure: 'cents',
      rangeMs: 3 * 3_600_000,
      per: 'total',
      compare: { kind: 'change', vsMs: 7 * 86_400_000 },
      direction: 'below',
      threshold: -0.3,
      forMs: 900_000,
      renotifyMs: 86_400_000,
      where: { shop: ['a', 'b'] },
    })
    expect(rule.condition).toBe('the change of cents over the last 3h (all groups) against 1w before below -0.3 for 15m')
    expect(defineAlert(view, { name: 'spike', measure: 'n', range: '1h', zScore: 24, above: 3 }).condition).toBe(
      'the z-score of n over the last 1h against the 24 ranges before above 3',
    )
  })

  it('refuses a sketch measure, which ranks no group', () => {
    const shops = defineView('shops', stream, { groupBy: () => ({}), window: '1h', measures: (o) => ({ n: count(), shops: distinct(o.shop) }) })
    expect(() => defineAlert(shops, { name: 'few', measure: 'shops', range: '1h', below: 3 })).toThrow(
      'measure "shops" is a sketch, which an alert cannot rank groups by; alert on one of n',
    )
  })

  it('fails on a mistake, saying what to fix', () => {
    const bad: [object, string][] = [
      [{ name: 'x', measure: 'revenue', range: '1h', above: 1 }, 'view "revenue" has no measure "revenue"; its measures: n, cents'],
      [{ name: 'x', measure: 'n', range: '90m', above: 1 }, `range must be a whole number of the view's 1h windows, got "90m"`],
      [{ name: 'x', measure: 'n', range: 'an hour', above: 1 }, `alert "x": range: "an hour" is not a duration`],
      [{ name: 'x', measure: 'n', range: '1h' }, 'give exactly one of "above" and "below"'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, below: 2 }, 'give exactly one of "above" and "below"'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, for: -5 }, 'alert "x": for: -5 is not a duration'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, zScore: 1 }, 'zScore is the number of ranges before to compare with, an integer from 2 to 1000; got 1'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, zScore: 5, change: '1d' }, 'give at most one of "change" and "zScore"'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, where: { city: 'x' } }, 'where: view "revenue" has no key "city"; its keys: shop'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, where: { shop: 3 } }, 'where.shop: key "shop" is a string; got 3'],
      [{ name: 'x', measure: 'n', range: '1h', above: 1, every: '1m' }, 'unknown option "every"'],
      [{ name: 'has space', measure: 'n', range: '1h', above: 1 }, 'needs a name that matches'],
    ]
    for (const [spec, message] of bad) expect(() => defineAlert(view, spec as never), message).toThrow(message)
  })

  it('belongs to a pipeline that has its view, once', () => {
    const rule = defineAlert(view, { name: 'drop', measure: 'cents', range: '1h', below: 1 })
    expect(definePipeline({ streams: [stream], views: [view], alerts: [rule] }).alerts).toEqual([rule])
    const other = defineView('other', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: () => ({ n: count() }) })
    expect(() => definePipeline({ streams: [stream], views: [view], alerts: [defineAlert(other, { name: 'o', measure: 'n', range: '1h', above: 1 })] })).toThrow(
      'alert "o" watches view "other", which is not in the pipeline\'s views; views: revenue',
    )
    expect(() => definePipeline({ streams: [stream], views: [view], alerts: [rule, rule] })).toThrow('alert "drop" is declared twice')
  })
})
