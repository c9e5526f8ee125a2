import type { Order, PageView } from './generate-events.ts'
import type { RefSpec } from './reference-aggregate.ts'

const HOUR = 3_600_000

/** The example's views, restated for the reference reduce (see views.ts for the declarations). */
export const referenceSpecs = {
  shopRevenue: {
    filter: (o) => o.status === 'paid',
    keys: (o) => ({ shop: o.shopId }),
    time: (o) => o.ts,
    windowMs: HOUR,
    measures: {
      orders: ['count'],
      revenueCents: ['sum', (o) => o.amountCents],
      biggestOrderCents: ['max', (o) => o.amountCents],
      smallestOrderCents: ['min', (o) => o.amountCents],
      avgOrderCents: ['avg', (o) => o.amountCents],
    },
  } satisfies RefSpec<Order>,
  orderMix: {
    // Twinflow's rule: x / 0 is null, and measures skip nulls (an order of 0 items has no unit price).
    keys: (o) => ({ shop: o.shopId, status: o.status, large: o.amountCents >= 10_000 }),
    time: (o) => o.ts,
    windowMs: 15 * 60_000,
    measures: { orders: ['count'], items: ['sum', (o) => o.items], maxUnitPrice: ['max', (o) => (o.items === 0 ? null : o.amountCents / o.items)] },
  } satisfies RefSpec<Order>,
  shopTraffic: {
    filter: (v) => v.mobile === false || v.durationMs > 1000,
    keys: (v) => ({ shop: v.shopId }),
    time: (v) => v.ts,
    windowMs: HOUR,
    measures: { views: ['count'], avgDurationMs: ['avg', (v) => v.durationMs], longestMs: ['max', (v) => v.durationMs] },
  } satisfies RefSpec<PageView>,
}
