import type { EventOf } from '@twinflow/core'
import { seededRandom } from '@twinflow/plugin-generator'
import type { purchases } from './purchases.ts'

export type Purchase = EventOf<typeof purchases>

/** The size of one serialized purchase, in bytes (the targets are stated for 256-byte events). */
export const EVENT_BYTES = 256

const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'IN', 'JP'] as const
const DEVICES = ['web', 'ios', 'android'] as const
const STATUSES = ['created', 'paid', 'paid', 'paid', 'refunded'] as const
const REFERRER = 'https://partners.example.com/campaigns/2026/winter-sale/landing?utm_source=newsletter&utm_medium=email&utm_campaign='

export interface PurchaseOptions {
  seed: number
  /** Event times are spread evenly over [from, to): ordered, as a live stream is. */
  from: number
  to: number
  /** Distinct shops. @default 200 */
  shops?: number
}

/** Deterministic purchases of exactly EVENT_BYTES bytes of JSON each. */
export function generatePurchases(count: number, options: PurchaseOptions): Purchase[] {
  const rnd = seededRandom(options.seed)
  const shops = options.shops ?? 200
  const span = options.to - options.from
  const out: Purchase[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const quantity = 1 + Math.floor(rnd() * 4)
    const event = {
      purchaseId: `p-${options.seed}-${i}`,
      userId: `user-${Math.floor(rnd() * 1_000_000)}`,
      shop: `shop-${Math.floor(rnd() ** 2 * shops)}`,
      country: COUNTRIES[Math.floor(rnd() * COUNTRIES.length)]!,
      device: DEVICES[Math.floor(rnd() * DEVICES.length)]!,
      status: STATUSES[Math.floor(rnd() * STATUSES.length)]!,
      amountCents: quantity * (199 + Math.floor(rnd() ** 3 * 20_000)),
      quantity,
      referrer: '',
      ts: options.from + Math.floor((i * span) / count),
    }
    const bytes = Buffer.byteLength(JSON.stringify(event))
    event.referrer = (REFERRER + 'x'.repeat(EVENT_BYTES)).slice(0, Math.max(0, EVENT_BYTES - bytes))
    out[i] = event satisfies Purchase
  }
  return out
}

/** The purchases as log messages (key: the shop, so a shop's events stay in one partition). */
export function purchaseMessages(events: readonly Purchase[]): { key: string; value: Buffer }[] {
  return events.map((e) => ({ key: e.shop, value: Buffer.from(JSON.stringify(e)) }))
}
