import { defineStream, t } from '@twinflow/core'

/** Orders of an online marketplace with several shops. Amounts are integer cents (exact sums). */
export const orders = defineStream('orders', {
  orderId: t.string(),
  shopId: t.string(),
  customerId: t.string(),
  amountCents: t.int64(),
  items: t.int64(),
  status: t.enum(['created', 'paid', 'refunded']),
  ts: t.eventTime(),
})

/** Page views of the shops' storefronts. */
export const pageViews = defineStream('pageViews', {
  shopId: t.string(),
  path: t.string(),
  userId: t.string(),
  durationMs: t.int64(),
  mobile: t.boolean(),
  ts: t.eventTime(),
})
