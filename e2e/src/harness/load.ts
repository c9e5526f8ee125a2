import type { Order, PageView } from '@twinflow/example-online-store'
import type { Stack } from './stack.ts'
import { TOPICS } from './stack.ts'
import type { EventBook } from './views.ts'

export interface LoadOptions {
  /** Events per produce call (per stream). @default 1000 */
  chunk?: number
  /** Pause between two chunks, in ms. @default 100 */
  intervalMs?: number
}

export interface Load {
  /** Resolves when every event is in the log (acks=all); rejects on the first failed produce. */
  done: Promise<void>
  /** Events produced so far. */
  produced(): number
}

/**
 * Produces orders and page views from the test process in the background, chunk after chunk, and
 * records each chunk in `book` once the log acknowledged it. A failed produce fails the load: a
 * retry could duplicate events and the truth would no longer be known.
 */
export function startLoad(stack: Stack, book: EventBook, events: { orders: Order[]; pageViews: PageView[] }, options: LoadOptions = {}): Load {
  const chunk = options.chunk ?? 1000
  const interval = options.intervalMs ?? 100
  let produced = 0
  const done = (async () => {
    const rounds = Math.max(Math.ceil(events.orders.length / chunk), Math.ceil(events.pageViews.length / chunk))
    for (let i = 0; i < rounds; i++) {
      const orders = events.orders.slice(i * chunk, (i + 1) * chunk)
      const views = events.pageViews.slice(i * chunk, (i + 1) * chunk)
      await Promise.all([orders.length ? stack.produce(TOPICS.orders, orders, chunk) : null, views.length ? stack.produce(TOPICS.pageViews, views, chunk) : null])
      book.orders.push(...orders)
      book.pageViews.push(...views)
      produced += orders.length + views.length
      await new Promise((r) => setTimeout(r, interval))
    }
  })()
  done.catch(() => {})
  return { done, produced: () => produced }
}
