import { avg, count, defineStream, definePipeline, defineView, max, min, sum, t } from '@twinflow/core'

const events = defineStream('conformance_events', {
  shop: t.string(),
  big: t.boolean(),
  bucket: t.int64(),
  amount: t.int64(),
  price: t.float64(),
  ts: t.eventTime(),
})

/** Cells: n.count (sum), amount.sum, lo.min, hi.max, avgPrice.sum, avgPrice.count. Window 1m. */
const byShop = defineView('byShop', events, {
  groupBy: (e) => ({ shop: e.shop, big: e.big }),
  window: '1m',
  measures: (e) => ({ n: count(), amount: sum(e.amount), lo: min(e.price), hi: max(e.price), avgPrice: avg(e.price) }),
})

/** An integer key; one cell. Window 1h. */
const byBucket = defineView('byBucket', events, { groupBy: (e) => ({ bucket: e.bucket }), window: '1h', measures: () => ({ n: count() }) })

/** No keys: one group per window. Window 1d. */
const total = defineView('total', events, { groupBy: () => ({}), window: '1d', measures: (e) => ({ n: count(), amount: sum(e.amount) }) })

/** The pipeline the conformance suites start stores with: key and cell kinds of every sort. */
export const conformancePipeline = definePipeline({ streams: [events], views: [byShop, byBucket, total] })
