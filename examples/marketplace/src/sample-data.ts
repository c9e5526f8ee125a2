import type { EventOf } from '@twinflow/core'
import { seededRandom } from '@twinflow/plugin-generator'
import type { marketEvents } from './streams.ts'

export type MarketEvent = EventOf<typeof marketEvents>

/** A row of the north shop's MySQL `orders` table (the `id` is the table's AUTO_INCREMENT). */
export interface NorthShopOrder {
  order_no: string
  shop_code: string
  sku: string
  qty: number
  total_cents: number
  /** DATETIME(3) in UTC, as MySQL takes it: `2026-11-20 09:15:02.123`. */
  created_at: string
}

/** An event of the west shop's webhook, as it POSTs it. */
export interface WestShopEvent {
  id: string
  merchant: string
  product: string
  type: MarketEvent['kind']
  count: number
  total: number
  /** Epoch milliseconds. */
  at: number
}

export interface SampleOptions {
  seed: number
  /** Event times are spread over [from, to), in ms. */
  from: number
  to: number
  orders: number
  exports: number
  webhooks: number
}

export interface MarketplaceSample {
  /** The MySQL table's rows, oldest first. */
  northOrders: NorthShopOrder[]
  /** The south shop's CSV export (`;`-separated, a header, Jakarta local times). */
  southCsv: string
  westEvents: WestShopEvent[]
  /** Every event as the stream holds it once mapped: what the views must count. */
  truth: MarketEvent[]
}

const PRODUCTS = ['kettle', 'teapot', 'mug', 'grinder', 'scale', 'filter', 'beans-1kg', 'beans-250g']
const KINDS = ['view', 'cart', 'order', 'return'] as const
const JAKARTA_OFFSET_MS = 7 * 3_600_000

/** Deterministic data for the three systems, and the events they stand for. */
export function marketplaceSample(options: SampleOptions): MarketplaceSample {
  const random = seededRandom(options.seed)
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!
  // Whole milliseconds, since MySQL's DATETIME(3) and the webhook keep them; the CSV keeps seconds.
  const time = (wholeSeconds: boolean) => {
    const ms = options.from + Math.floor(random() * (options.to - options.from))
    return wholeSeconds ? ms - (ms % 1000) : ms
  }
  const truth: MarketEvent[] = []

  const northOrders: NorthShopOrder[] = []
  for (let i = 0; i < options.orders; i++) {
    const ts = time(false)
    const qty = 1 + Math.floor(random() * 3)
    const event: MarketEvent = {
      eventId: `N-${i}`,
      shop: 'north',
      productId: pick(PRODUCTS),
      kind: 'order',
      quantity: qty,
      amountCents: qty * (499 + Math.floor(random() * 5000)),
      system: 'mysql',
      ts,
    }
    truth.push(event)
    northOrders.push({
      order_no: event.eventId,
      shop_code: event.shop,
      sku: event.productId,
      qty,
      total_cents: event.amountCents,
      created_at: new Date(ts).toISOString().replace('T', ' ').replace('Z', ''),
    })
  }
  northOrders.sort((a, b) => a.created_at.localeCompare(b.created_at))

  const csv = ['event_id;store;article;event;pieces;value_cents;happened']
  for (let i = 0; i < options.exports; i++) {
    const ts = time(true)
    const kind = pick(KINDS)
    const pieces = kind === 'view' ? 0 : 1 + Math.floor(random() * 2)
    const event: MarketEvent = {
      eventId: `S-${i}`,
      shop: 'south',
      productId: pick(PRODUCTS),
      kind,
      quantity: pieces,
      amountCents: pieces * (399 + Math.floor(random() * 4000)),
      system: 'csv',
      ts,
    }
    truth.push(event)
    csv.push([event.eventId, event.shop, event.productId, kind, pieces, event.amountCents, jakartaTime(ts)].join(';'))
  }

  const westEvents: WestShopEvent[] = []
  for (let i = 0; i < options.webhooks; i++) {
    const ts = time(false)
    const kind = pick(KINDS)
    const count = kind === 'view' ? 0 : 1 + Math.floor(random() * 4)
    const event: MarketEvent = {
      eventId: `W-${i}`,
      shop: 'west',
      productId: pick(PRODUCTS),
      kind,
      quantity: count,
      amountCents: count * (299 + Math.floor(random() * 6000)),
      system: 'webhook',
      ts,
    }
    truth.push(event)
    westEvents.push({ id: event.eventId, merchant: event.shop, product: event.productId, type: kind, count, total: event.amountCents, at: ts })
  }
  return { northOrders, southCsv: `${csv.join('\n')}\n`, westEvents, truth }
}

/** `dd.MM.yyyy HH:mm:ss` in Asia/Jakarta (UTC+7 all year), as the south shop's exports write times. */
function jakartaTime(ms: number): string {
  const d = new Date(ms + JAKARTA_OFFSET_MS)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}
