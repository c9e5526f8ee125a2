import { defineStream, t } from '@twinflow/core'

/**
 * What a marketplace's shops do, from every system they run, as one stream: orders from one shop's
 * MySQL database, product events from another's CSV exports, and a third's webhook. Each source's
 * `mapping` (twinflow.json) turns its own names and time formats into these fields and says which
 * system it came from. Amounts are integer cents (exact sums).
 */
export const marketEvents = defineStream('marketEvents', {
  eventId: t.string({ maxBytes: 64 }),
  shop: t.string({ maxBytes: 64 }),
  productId: t.string({ maxBytes: 64 }),
  kind: t.enum(['order', 'view', 'cart', 'return']),
  quantity: t.int64(),
  amountCents: t.int64(),
  system: t.enum(['mysql', 'csv', 'webhook']),
  ts: t.eventTime(),
})
