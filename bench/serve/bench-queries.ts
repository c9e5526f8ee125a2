const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The topic of the online store's orders, whose end offsets an answer's `pendingEvents` reads. */
export const ORDERS_TOPIC = 'twinflow.orders'

/**
 * The merged queries of the benchmark: each spans the batch cutoff, so each merges both layers. Root
 * aliases are unique (the constant server answers by alias). `readsLogEnds`: the answer's freshness
 * reads the end offsets of ORDERS_TOPIC from Kafka.
 */
export function benchQueries(now: number): { name: string; query: string; readsLogEnds: boolean }[] {
  const iso = (t: number) => new Date(t).toISOString()
  const today = now - (now % DAY)
  return [
    {
      name: 'series: 7 days hourly, 3 shops, with freshness',
      query: `{ hourly: shopRevenue(from: "${iso(today - 6 * DAY)}", to: "${iso(today + DAY)}", granularity: HOUR, where: { shopIn: ["shop-0", "shop-1", "shop-2"] }) {
        cutoff version totalCount rows { windowStart shop orders revenueCents avgOrderCents }
        freshness { cutoff batchVersion newestEventTime realtimeLagMs pendingEvents } } }`,
      readsLogEnds: true,
    },
    {
      name: 'series: 30 days daily, ordered by revenue, page of 20',
      query: `{ daily: shopRevenue(from: "${iso(today - 29 * DAY)}", to: "${iso(today + DAY)}", granularity: DAY, orderBy: [{ field: REVENUE_CENTS, direction: DESC }], limit: 20) {
        totalCount pageInfo { hasNextPage endCursor } rows { windowStart shop orders revenueCents } } }`,
      readsLogEnds: false,
    },
    {
      name: 'top-5 shops by revenue today',
      query: `{ top: shopRevenueTop(from: "${iso(today)}", to: "${iso(today + DAY)}", by: REVENUE_CENTS, limit: 5) { cutoff version rows { shop orders revenueCents } } }`,
      readsLogEnds: false,
    },
  ]
}
