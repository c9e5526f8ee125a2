import { avg, count, defineStream, definePipeline, defineView, distinct, max, min, quantiles, sum, t } from '@twinflow/core'

const events = defineStream('conformance_events', {
  shop: t.string(),
  big: t.boolean(),
  bucket: t.int64(),
  amount: t.int64(),
  price: t.float64(),
  label: t.string().optional(),
  discount: t.float64().optional(),
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

/**
 * Sketch cells first (a HyperLogLog of 2^6 registers, quantile buckets), then a min over a
 * nullable argument (its value and count), by a nullable key. Window 1h.
 */
const sketches = defineView('sketches', events, {
  groupBy: (e) => ({ label: e.label }),
  window: '1h',
  measures: (e) => ({ shops: distinct(e.shop, { precision: 6 }), price: quantiles(e.price, [0.5]), lowest: min(e.discount) }),
})

/** Sketches alone, over a nullable argument: a group whose values were all null has cells that are all empty. Window 1h. */
const labels = defineView('labels', events, {
  groupBy: (e) => ({ shop: e.shop }),
  window: '1h',
  measures: (e) => ({ labels: distinct(e.label, { precision: 4 }), discount: quantiles(e.discount, [0.9]) }),
})

/** A stream with `dedupeBy`: the suite's id claims name it. */
const orders = defineStream('conformance_orders', { orderId: t.string(), ts: t.eventTime() }, { dedupeBy: { field: 'orderId', horizon: '1h' } })

/** The pipeline the conformance suites start stores with: key and cell kinds of every sort, and a stream with dedupeBy. */
export const conformancePipeline = definePipeline({ streams: [events, orders], views: [byShop, byBucket, total, sketches, labels] })
