import type { MeasureValue } from '@twinflow/core'
import type { Order, PageView } from '@twinflow/example-online-store'

const HOUR = 3_600_000
const QUARTER = 900_000
const windowOf = (ts: number, size: number) => ts - (ts % size)

export type ReferenceRow = Record<string, MeasureValue>

/** Sorts rows the same way on both sides of a comparison. */
export function sortRows(rows: ReferenceRow[]): ReferenceRow[] {
  const key = (r: ReferenceRow) =>
    JSON.stringify(
      Object.keys(r)
        .sort()
        .map((k) => r[k]),
    )
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/**
 * The online-store views computed by a plain reduce over the events, written independently of
 * Twinflow's evaluator and monoids: the ground truth the speed layer is held to. Windows before
 * `cutoff` are left out (they belong to the batch layer).
 */
export function onlineStoreReference(orders: readonly Order[], pageViews: readonly PageView[], cutoff: number | null): Record<string, ReferenceRow[]> {
  const from = cutoff ?? -Infinity

  const revenue = new Map<string, { windowStart: number; shop: string; orders: number; revenueCents: number; biggest: number; smallest: number }>()
  for (const o of orders) {
    const windowStart = windowOf(o.ts, HOUR)
    if (o.status !== 'paid' || windowStart < from) continue
    const id = `${windowStart}|${o.shopId}`
    const r = revenue.get(id) ?? { windowStart, shop: o.shopId, orders: 0, revenueCents: 0, biggest: -Infinity, smallest: Infinity }
    r.orders += 1
    r.revenueCents += o.amountCents
    r.biggest = Math.max(r.biggest, o.amountCents)
    r.smallest = Math.min(r.smallest, o.amountCents)
    revenue.set(id, r)
  }

  const mix = new Map<string, { windowStart: number; shop: string; status: string; large: boolean; orders: number; items: number; maxUnitPrice: number | null }>()
  for (const o of orders) {
    const windowStart = windowOf(o.ts, QUARTER)
    if (windowStart < from) continue
    const large = o.amountCents >= 10_000
    const id = `${windowStart}|${o.shopId}|${o.status}|${large}`
    const r = mix.get(id) ?? { windowStart, shop: o.shopId, status: o.status, large, orders: 0, items: 0, maxUnitPrice: null }
    r.orders += 1
    r.items += o.items
    // x / 0 is null, and max() skips nulls (null when a group has no other value).
    if (o.items !== 0) r.maxUnitPrice = Math.max(r.maxUnitPrice ?? -Infinity, o.amountCents / o.items)
    mix.set(id, r)
  }

  const traffic = new Map<string, { windowStart: number; shop: string; views: number; duration: number; longestMs: number }>()
  for (const v of pageViews) {
    const windowStart = windowOf(v.ts, HOUR)
    if (!(v.mobile === false || v.durationMs > 1000) || windowStart < from) continue
    const id = `${windowStart}|${v.shopId}`
    const r = traffic.get(id) ?? { windowStart, shop: v.shopId, views: 0, duration: 0, longestMs: -Infinity }
    r.views += 1
    r.duration += v.durationMs
    r.longestMs = Math.max(r.longestMs, v.durationMs)
    traffic.set(id, r)
  }

  return {
    shopRevenue: sortRows(
      [...revenue.values()].map((r) => ({
        windowStart: r.windowStart,
        shop: r.shop,
        orders: r.orders,
        revenueCents: r.revenueCents,
        biggestOrderCents: r.biggest,
        smallestOrderCents: r.smallest,
        avgOrderCents: r.revenueCents / r.orders,
      })),
    ),
    orderMix: sortRows([...mix.values()]),
    shopTraffic: sortRows(
      [...traffic.values()].map((r) => ({ windowStart: r.windowStart, shop: r.shop, views: r.views, avgDurationMs: r.duration / r.views, longestMs: r.longestMs })),
    ),
  }
}
