import { count, definePipeline, defineView, distinct, quantiles } from '@twinflow/core'
import { purchases } from './purchases.ts'

/**
 * The sketch benchmarks' view: per shop and hour, purchases, distinct buyers (a HyperLogLog of
 * 4096 registers) and the 50th, 95th and 99th percentiles of the amount (buckets of 1 %).
 */
export const shopSketches = defineView('shopSketches', purchases, {
  groupBy: (p) => ({ shop: p.shop }),
  window: '1h',
  measures: (p) => ({ purchases: count(), buyers: distinct(p.userId), amountCents: quantiles(p.amountCents, [0.5, 0.95, 0.99]) }),
})

/** The same view with only its count: what the sketches are measured against. */
export const shopCounts = defineView('shopCounts', purchases, {
  groupBy: (p) => ({ shop: p.shop }),
  window: '1h',
  measures: () => ({ purchases: count() }),
})

export const sketchPipeline = definePipeline({ streams: [purchases], views: [shopSketches] })
export const countPipeline = definePipeline({ streams: [purchases], views: [shopCounts] })
