import type { EventOf } from '@twinflow/core'
import { seededRandom } from '@twinflow/plugin-generator'
import type { orders, pageViews } from './streams.ts'

export type Order = EventOf<typeof orders>
export type PageView = EventOf<typeof pageViews>

export interface GenerateOptions {
  seed: number
  /** Event times are spread uniformly over [from, to). */
  from: number
  to: number
  shops?: number
}

const STATUSES = ['created', 'paid', 'paid', 'paid', 'refunded'] as const
const PATHS = ['/', '/catalog', '/product', '/cart', '/checkout'] as const

/** Makes realistic orders: a few shops, skewed sizes, mostly paid. */
export function generateOrders(count: number, options: GenerateOptions): Order[] {
  const rnd = seededRandom(options.seed)
  const shops = options.shops ?? 5
  const out: Order[] = []
  for (let i = 0; i < count; i++) {
    const items = 1 + Math.floor(rnd() * 4)
    out.push({
      orderId: `o-${options.seed}-${i}`,
      shopId: `shop-${Math.floor(rnd() ** 1.5 * shops)}`,
      customerId: `c-${Math.floor(rnd() * 1000)}`,
      amountCents: items * (199 + Math.floor(rnd() ** 3 * 20_000)),
      items,
      status: STATUSES[Math.floor(rnd() * STATUSES.length)]!,
      ts: options.from + Math.floor(rnd() * (options.to - options.from)),
    })
  }
  return out
}

/** Makes page views of the same shops. */
export function generatePageViews(count: number, options: GenerateOptions): PageView[] {
  const rnd = seededRandom(options.seed ^ 0x5bd1e995)
  const shops = options.shops ?? 5
  const out: PageView[] = []
  for (let i = 0; i < count; i++) {
    out.push({
      shopId: `shop-${Math.floor(rnd() ** 1.5 * shops)}`,
      path: PATHS[Math.floor(rnd() * PATHS.length)]!,
      userId: `u-${Math.floor(rnd() * 5000)}`,
      durationMs: Math.floor(rnd() ** 2 * 30_000),
      mobile: rnd() < 0.6,
      ts: options.from + Math.floor(rnd() * (options.to - options.from)),
    })
  }
  return out
}
