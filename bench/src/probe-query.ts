import { shopSales } from './purchases.ts'

/** The shop of the latency probes: its own group in `shopSales`, so that a probe's count is seen alone. */
export const PROBE_SHOP = 'probe'

/** The `shopSales` count of the probe shop over the day around now (aliased `count`, as the observers read it). */
export function probeQuery(): string {
  const now = Date.now()
  return `{ s: ${shopSales.name}(from: "${new Date(now - 86_400_000).toISOString()}", to: "${new Date(now + 86_400_000).toISOString()}", granularity: DAY, where: { shopIn: ["${PROBE_SHOP}"] }) { rows { count: purchases } } }`
}
