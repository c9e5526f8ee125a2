import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEAD_LETTER_PAYLOAD_BYTES, systemClock, TOKENS, type Clock, type LogMessage } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import type { MemoryDeadLetterQueue } from '@twinflow/plugin-memory'
import {
  generateOrders,
  generatePageViews,
  onlineStorePipeline,
  referenceAggregate,
  referenceSpecs,
  sortRows,
  type Order,
  type PageView,
  type RefRow,
  type RefSpec,
} from '@twinflow/example-online-store'
import { createTwinflow } from './create-twinflow.ts'
import type { Twinflow } from './twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const T = Date.UTC(2026, 10, 23, 12, 30) // the test's "now": 12:30 UTC
const clock: Clock = { now: () => T, sleep: systemClock.sleep }
const cutoffOf = (windowMs: number) => Math.floor((T - 5 * 60_000) / windowMs) * windowMs // 5 min default lateness
const dayStart = Date.UTC(2026, 10, 23)

// Phase 1 is in the log before the first batch; phase 2 comes after, including late events
// (windows below the cutoff) that only the next batch run may count.
// Orders with 0 items and 0 cents: their unit price is 0 / 0, which is null (in both layers), so
// orderMix counts them and its maxUnitPrice skips them.
const emptyOrder = (id: string, ts: number): Order => ({ orderId: id, shopId: 'shop-0', customerId: 'c-0', amountCents: 0, items: 0, status: 'paid', ts })
const phase1Orders = [...generateOrders(3000, { seed: 1, from: T - 6.5 * HOUR, to: T }), emptyOrder('empty-batch', T - 3 * HOUR)]
const phase1Views = generatePageViews(3000, { seed: 2, from: T - 6.5 * HOUR, to: T })
const phase2Orders = [...generateOrders(1500, { seed: 3, from: T - 1.5 * HOUR, to: T + HOUR }), emptyOrder('empty-speed', T + 10 * 60_000)]
const phase2Views = generatePageViews(1500, { seed: 4, from: T - 1.5 * HOUR, to: T + HOUR })
const POISON = ['{"orderId": ', '{"ts": NaN}', JSON.stringify({ orderId: 'x', status: 'lost' }), '"just a string"', 'x'.repeat(2 * 1024 * 1024)]

const toMessages = (events: object[]): LogMessage[] => events.map((e) => ({ value: Buffer.from(JSON.stringify(e)) }))

const QUERY = {
  shopRevenue: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { shopRevenue(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop orders revenueCents biggestOrderCents smallestOrderCents avgOrderCents } } }`,
  orderMix: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { orderMix(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop status large orders items maxUnitPrice } } }`,
  shopTraffic: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { shopTraffic(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop views avgDurationMs longestMs } } }`,
}
type ViewName = keyof typeof QUERY

describe('ground truth through all three layers (embedded runtimes)', () => {
  let twinflow: Twinflow

  beforeAll(async () => {
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig(), clock })
    await twinflow.start(['archiver', 'speed', 'serve'], { connect: ['batch'] })
    const log = twinflow.get(TOKENS.EventLog)
    await log.produce('twinflow.orders', [...toMessages(phase1Orders.slice(0, 1500)), ...POISON.map((p) => ({ value: Buffer.from(p) }))])
    await log.produce('twinflow.orders', toMessages(phase1Orders.slice(1500)))
    await log.produce('twinflow.pageViews', toMessages(phase1Views))
    const runs = await twinflow.get(BATCH_TOKENS.Runner).runAll()
    expect(runs.map((r) => [r.view, r.status, r.cutoff])).toEqual([
      ['shopRevenue', 'succeeded', cutoffOf(HOUR)],
      ['orderMix', 'succeeded', cutoffOf(15 * 60_000)],
      ['shopTraffic', 'succeeded', cutoffOf(HOUR)],
    ])
    await log.produce('twinflow.orders', toMessages(phase2Orders))
    await log.produce('twinflow.pageViews', toMessages(phase2Views))
  })

  afterAll(async () => {
    await twinflow?.stop()
  })

  async function answer(view: ViewName, granularity: string): Promise<{ cutoff: string; version: number; rows: RefRow[] }> {
    const res = await graphqlRequest(twinflow.url!, QUERY[view], { from: new Date(dayStart).toISOString(), to: new Date(dayStart + DAY).toISOString(), g: granularity })
    expect(res.errors).toBeUndefined()
    const out = res.data![view]
    return { ...out, rows: sortRows(out.rows) }
  }

  /** Polls until the answer equals the truth (the speed layer is asynchronous), then asserts it. */
  async function expectEventually(view: ViewName, granularity: string, truth: RefRow[]): Promise<void> {
    const deadline = Date.now() + 30_000
    let last = await answer(view, granularity)
    while (JSON.stringify(last.rows) !== JSON.stringify(truth) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250))
      last = await answer(view, granularity)
    }
    expect(last.rows).toEqual(truth)
  }

  const specs = referenceSpecs as unknown as Record<ViewName, RefSpec<Order & PageView>>
  const eventsOf = (view: ViewName, phase: 1 | 2): (Order & PageView)[] =>
    (view === 'shopTraffic' ? (phase === 1 ? phase1Views : phase2Views) : phase === 1 ? phase1Orders : phase2Orders) as (Order & PageView)[]

  for (const view of ['shopRevenue', 'orderMix', 'shopTraffic'] as const) {
    it(`${view}: batch below the cutoff + speed above it equals the truth, at the view window and per day`, async () => {
      const spec = specs[view]
      const cutoff = cutoffOf(spec.windowMs)
      // Late phase-2 events (below the cutoff) are in neither layer until the next batch run.
      const visible = [...eventsOf(view, 1), ...eventsOf(view, 2).filter((e) => Math.floor(e.ts / spec.windowMs) * spec.windowMs >= cutoff)]
      await expectEventually(view, spec.windowMs === HOUR ? 'HOUR' : 'FIFTEEN_MINUTES', referenceAggregate(visible, spec))
      await expectEventually(view, 'DAY', referenceAggregate(visible, spec, DAY))
      const { cutoff: servedCutoff, version } = await answer(view, 'DAY')
      expect(Date.parse(servedCutoff)).toBe(cutoff)
      expect(version).toBeGreaterThan(0)
    })
  }

  it('late events below the cutoff are not counted twice, and appear after the next batch run', async () => {
    const runs = await twinflow.get(BATCH_TOKENS.Runner).runAll()
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
    for (const view of ['shopRevenue', 'orderMix', 'shopTraffic'] as const) {
      const spec = specs[view]
      const all = [...eventsOf(view, 1), ...eventsOf(view, 2)]
      await expectEventually(view, spec.windowMs === HOUR ? 'HOUR' : 'FIFTEEN_MINUTES', referenceAggregate(all, spec))
      await expectEventually(view, 'DAY', referenceAggregate(all, spec, DAY))
    }
  })

  it('the realtime store knows the newest event time each view has applied', async () => {
    const store = twinflow.get(TOKENS.RealtimeStore)
    const paid = [...phase1Orders, ...phase2Orders].filter((o) => o.status === 'paid')
    expect(await store.newestEventTime('shopRevenue')).toBe(Math.max(...paid.map((o) => o.ts)))
    expect(await store.newestEventTime('shopTraffic')).toBe(Math.max(...[...phase1Views, ...phase2Views].filter((v) => v.mobile === false || v.durationMs > 1000).map((v) => v.ts)))
  })

  it('an order of 0 items (a unit price 0 / 0, which is null) is no dead letter: counted, its unit price skipped', async () => {
    const dlq = twinflow.get(TOKENS.DeadLetterQueue) as unknown as MemoryDeadLetterQueue
    expect(dlq.letters().filter((l) => l.reason.startsWith('evaluation'))).toEqual([])
    const ids = dlq.letters().map((l) => l.payload.toString())
    expect(ids.some((p) => p.includes('empty-'))).toBe(false)
  })

  it('poison messages went to the dead-letter queue with their reasons, each once, and changed no total', async () => {
    const dlq = twinflow.get(TOKENS.DeadLetterQueue) as unknown as MemoryDeadLetterQueue
    // What the stream rejects is the archiver's letter (it sees every record); the speed layer's are
    // only events a view cannot take (the empty orders' NaN unit price).
    const letters = dlq.letters().filter((l) => l.stage === 'archiver')
    // Stored payloads are cut to DEAD_LETTER_PAYLOAD_BYTES; the letter keeps the length it had.
    expect(letters.map((l) => l.payload.toString()).sort()).toEqual(POISON.map((p) => p.slice(0, DEAD_LETTER_PAYLOAD_BYTES)).sort())
    expect(letters.map((l) => l.reason.split(':')[0]).sort()).toEqual(['invalid-json', 'invalid-json', 'oversized', 'schema', 'schema'])
    expect(letters.every((l) => l.stream === 'orders' && l.topic === 'twinflow.orders' && typeof l.offset === 'number')).toBe(true)
    expect(
      dlq
        .letters()
        .filter((l) => l.stage === 'speed')
        .every((l) => l.reason.startsWith('evaluation: view "orderMix"')),
    ).toBe(true)
  })
})
