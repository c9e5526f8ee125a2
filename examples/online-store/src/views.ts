import { avg, count, defineView, max, min, sum } from '@twinflow/core'
import { orders, pageViews } from './streams.ts'

/** Paid revenue per shop per hour. */
export const shopRevenue = defineView('shopRevenue', orders, {
  where: (o) => o.status.eq('paid'),
  groupBy: (o) => ({ shop: o.shopId }),
  window: '1h',
  measures: (o) => ({
    orders: count(),
    revenueCents: sum(o.amountCents),
    biggestOrderCents: max(o.amountCents),
    smallestOrderCents: min(o.amountCents),
    avgOrderCents: avg(o.amountCents),
  }),
})

/** Orders per shop, status and size class every 15 minutes, with a derived field. */
export const orderMix = defineView('orderMix', orders, {
  derive: (o) => ({ large: o.amountCents.ge(10_000), unitPrice: o.amountCents.div(o.items) }),
  groupBy: (o) => ({ shop: o.shopId, status: o.status, large: o.large }),
  window: '15m',
  measures: (o) => ({ orders: count(), items: sum(o.items), maxUnitPrice: max(o.unitPrice) }),
})

/** Storefront traffic per shop per hour, desktop only. */
export const shopTraffic = defineView('shopTraffic', pageViews, {
  where: (v) => v.mobile.eq(false).or(v.durationMs.gt(1000)),
  groupBy: (v) => ({ shop: v.shopId }),
  window: '1h',
  measures: (v) => ({ views: count(), avgDurationMs: avg(v.durationMs), longestMs: max(v.durationMs) }),
})
