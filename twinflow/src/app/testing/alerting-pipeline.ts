import { count, defineAlert, definePipeline, defineStream, defineView, sum, t } from '@twinflow/core'

/** A small shop for the alert tests: orders, revenue per shop and minute, and three rules. */
export const orders = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
export const revenue = defineView('revenue', orders, {
  groupBy: (o) => ({ shop: o.shop }),
  window: '1m',
  measures: (o) => ({ n: count(), cents: sum(o.cents) }),
  allowedLatenessMs: 0,
})
/** A shop that took more than 1000 cents over the last 5 minutes. */
export const bigShop = defineAlert(revenue, { name: 'bigShop', measure: 'cents', range: '5m', above: 1000 })
/** No order at all for 2 minutes (over the last 5), told again every 10 minutes. */
export const quiet = defineAlert(revenue, { name: 'quiet', measure: 'n', range: '5m', per: 'total', below: 1, for: '2m', renotify: '10m' })
/** Over 100 cents in all over 5 minutes: routed to a channel that refuses everything. */
export const anyRevenue = defineAlert(revenue, { name: 'anyRevenue', measure: 'cents', range: '5m', per: 'total', above: 100 })
export const alertingPipeline = definePipeline({ streams: [orders], views: [revenue], alerts: [bigShop, quiet, anyRevenue] })
