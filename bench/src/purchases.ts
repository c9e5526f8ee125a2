import { avg, count, defineAlert, defineStream, defineView, definePipeline, sum, t } from '@twinflow/core'

/**
 * The benchmark's stream: purchases of a marketplace, about 256 bytes of JSON each (the size the
 * benchmark targets are stated for). Every measure is an integer count or sum, so that the fencing
 * baseline (plain HINCRBY) can apply the very same deltas.
 */
export const purchases = defineStream('purchases', {
  purchaseId: t.string(),
  userId: t.string(),
  shop: t.string(),
  country: t.enum(['DE', 'FR', 'GB', 'US', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'IN', 'JP']),
  device: t.enum(['web', 'ios', 'android']),
  status: t.enum(['created', 'paid', 'refunded']),
  amountCents: t.int64(),
  quantity: t.int64(),
  referrer: t.string(),
  ts: t.eventTime(),
})

/** Paid sales per shop per minute. */
export const shopSales = defineView('shopSales', purchases, {
  where: (p) => p.status.eq('paid'),
  groupBy: (p) => ({ shop: p.shop }),
  window: '1m',
  measures: (p) => ({ purchases: count(), revenueCents: sum(p.amountCents), items: sum(p.quantity) }),
})

/** Every purchase per country and device per hour. */
export const countryDevice = defineView('countryDevice', purchases, {
  groupBy: (p) => ({ country: p.country, device: p.device }),
  window: '1h',
  measures: (p) => ({ purchases: count(), avgAmountCents: avg(p.amountCents) }),
})

/**
 * A shop whose paid revenue over the last 5 minutes is above 10^11 cents: no shop of the load comes
 * near it; the alert-latency scenario's probes (a purchase of 10^12 cents for a shop of their own)
 * each break it. Off unless a config turns it on.
 */
export const whale = defineAlert(shopSales, { name: 'whale', measure: 'revenueCents', range: '5m', above: 1e11 })

export const purchasesPipeline = definePipeline({ streams: [purchases], views: [shopSales, countryDevice], alerts: [whale] })
