import { systemClock, TOKENS, type Clock, type LogMessage, type Logger } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { generateOrders, generatePageViews, onlineStorePipeline, type Order, type PageView } from '@twinflow/example-online-store'
import { createTwinflow } from '../create-twinflow.ts'
import type { Twinflow } from '../twinflow.ts'
import type { TwinflowConfigInput } from '../../config/twinflow-config.ts'
import { embeddedTestConfig } from '../../testing/embedded-config.ts'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
/** The fixture's "now": 2026-11-23 12:30 UTC. */
export const T = Date.UTC(2026, 10, 23, 12, 30)
export const fixedClock: Clock = { now: () => T, sleep: systemClock.sleep }
/**
 * The batch cutoff of a view with this window (5 minutes of allowed lateness): the clock's bound,
 * since the streams are live up to "now" (the newest events before the batch run are at T - 1 ms).
 */
export const cutoffOf = (windowMs: number) => Math.floor((T - 5 * 60_000) / windowMs) * windowMs
export const POISON = ['{"orderId": ', JSON.stringify({ orderId: 'x', status: 'lost' }), '"just a string"']

export interface OnlineStoreFixture {
  twinflow: Twinflow
  /** Every order the views can see: the batch has those before the cutoffs, the speed layer the rest. */
  orders: Order[]
  pageViews: PageView[]
  /** Produces messages to a stream's topic. */
  produce(stream: 'orders' | 'pageViews', events: readonly object[]): Promise<void>
}

const toMessages = (events: readonly object[]): LogMessage[] => events.map((e) => ({ value: Buffer.from(JSON.stringify(e)) }))

/**
 * The online store on embedded runtimes with a fixed clock: 40 days of history (October and
 * November) and poison messages, one batch run, then live events after every cutoff; the
 * serving, archiver and speed roles run. Resolves when the speed layer has applied everything.
 */
export async function startOnlineStore(overrides: Partial<TwinflowConfigInput> = {}, options: { logger?: Logger } = {}): Promise<OnlineStoreFixture> {
  // Live up to "now": the newest order and page view before the batch run are at T - 1 ms, so the
  // streams' event-time watermarks put the cutoffs at the clock's bound.
  const history = [...generateOrders(4000, { seed: 21, from: T - 40 * DAY, to: T - 10 * 60_000 }), ...generateOrders(1, { seed: 24, from: T - 1, to: T })]
  const live = generateOrders(800, { seed: 22, from: T - 10 * 60_000, to: T + HOUR })
  const newestView = generatePageViews(1, { seed: 25, from: T - 1, to: T })
  const views = generatePageViews(2000, { seed: 23, from: T - 3 * DAY, to: T + HOUR })
  const twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig(overrides), clock: fixedClock, logger: options.logger })
  await twinflow.start(['archiver', 'speed', 'serve'], { connect: ['batch'] })
  const log = twinflow.get(TOKENS.EventLog)
  const produce = (stream: 'orders' | 'pageViews', events: readonly object[]) => log.produce(`twinflow.${stream}`, toMessages(events))
  await log.produce('twinflow.orders', [...toMessages(history), ...POISON.map((p) => ({ value: Buffer.from(p) }))])
  await produce('pageViews', [...views.filter((v) => v.ts < T - 10 * 60_000), ...newestView])
  const runs = await twinflow.get(BATCH_TOKENS.Runner).runAll()
  if (!runs.every((r) => r.status === 'succeeded')) throw new Error(`batch runs failed: ${JSON.stringify(runs)}`)
  await produce('orders', live)
  await produce(
    'pageViews',
    views.filter((v) => v.ts >= T - 10 * 60_000),
  )
  await caughtUp(twinflow)
  return { twinflow, orders: [...history, ...live], pageViews: [...views, ...newestView], produce }
}

/** Waits until the speed layer has applied every record of the log. */
export async function caughtUp(twinflow: Twinflow): Promise<void> {
  const log = twinflow.get(TOKENS.EventLog)
  const store = twinflow.get(TOKENS.RealtimeStore)
  const deadline = Date.now() + 30_000
  for (;;) {
    let pending = 0
    for (const stream of twinflow.pipeline.streams) {
      const [ends, applied] = await Promise.all([log.endOffsets(stream.topic), store.progress('twinflow-speed', stream.topic)])
      for (const [p, end] of ends) pending += Math.max(0, end - 1 - (applied.get(p) ?? -1))
    }
    if (pending === 0) return
    if (Date.now() > deadline) throw new Error(`the speed layer still has ${pending} records to apply`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
