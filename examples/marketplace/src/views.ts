import { count, defineView, max, sum } from '@twinflow/core'
import { marketEvents } from './streams.ts'

/** Units sold and revenue per product per day, whichever shop system the order came from. */
export const productSales = defineView('productSales', marketEvents, {
  where: (e) => e.kind.eq('order'),
  groupBy: (e) => ({ product: e.productId }),
  window: '1d',
  measures: (e) => ({ orders: count(), units: sum(e.quantity), revenueCents: sum(e.amountCents), biggestOrderCents: max(e.amountCents) }),
})

/** Every shop's activity per hour and kind of event: the consolidated picture of the marketplace. */
export const shopActivity = defineView('shopActivity', marketEvents, {
  groupBy: (e) => ({ shop: e.shop, kind: e.kind }),
  window: '1h',
  measures: (e) => ({ events: count(), units: sum(e.quantity) }),
})

/** Events per system per hour: which integration is sending, and how much. */
export const systemMix = defineView('systemMix', marketEvents, {
  groupBy: (e) => ({ system: e.system }),
  window: '1h',
  measures: () => ({ events: count() }),
})
