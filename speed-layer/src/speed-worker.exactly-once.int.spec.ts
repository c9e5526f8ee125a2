import type { LogMessage } from '@twinflow/core'
import { onlineStorePipeline, type Order, type PageView } from '@twinflow/example-online-store'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import type { SpeedWorkerStats } from './speed-worker.ts'
import { ONLINE_STORE_MODULE } from './testing/online-store-module-url.ts'
import { onlineStoreReference } from './testing/online-store-reference.ts'
import { SpeedHarness } from './testing/speed-harness.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 5)
const MAX_EVENT_BYTES = 4096

type Item =
  | { kind: 'order'; order: Order; key: string | undefined }
  | { kind: 'view'; view: PageView }
  | { kind: 'invalid'; topic: string; payload: string; reason: 'invalid-json' | 'schema' | 'oversized' }

const shop = fc.constantFrom('shop-0', 'shop-1', 'shop-2')
const ts = fc.integer({ min: T0, max: T0 + 2 * HOUR - 1 })
const order = fc.record({
  shopId: shop,
  customerId: fc.constantFrom('c1', 'c2'),
  amountCents: fc.integer({ min: 0, max: 25_000 }),
  items: fc.integer({ min: 1, max: 4 }),
  status: fc.constantFrom('created', 'paid', 'refunded'),
  ts,
})
const pageView = fc.record({ shopId: shop, path: fc.constantFrom('/', '/cart'), userId: fc.constant('u'), durationMs: fc.integer({ min: 0, max: 3000 }), mobile: fc.boolean(), ts })

function items(drafts: { kind: 'order' | 'view' | 'invalid'; order: any; view: any; keying: number; poison: number }[]): Item[] {
  return drafts.map((d, i): Item => {
    const orderId = `o${i}`
    if (d.kind === 'order') return { kind: 'order', order: { ...d.order, orderId }, key: [undefined, d.order.shopId, orderId][d.keying] }
    if (d.kind === 'view') return { kind: 'view', view: d.view }
    const marker = `poison-${i}`
    switch (d.poison) {
      case 0:
        return { kind: 'invalid', topic: 'twinflow.orders', payload: `{"orderId": "${marker}", `, reason: 'invalid-json' }
      case 1:
        return { kind: 'invalid', topic: 'twinflow.orders', payload: `{"orderId": "${marker}", "amountCents": NaN}`, reason: 'invalid-json' }
      case 2:
        return { kind: 'invalid', topic: 'twinflow.orders', payload: JSON.stringify({ ...d.order, orderId: marker, status: 'lost' }), reason: 'schema' }
      case 3:
        return { kind: 'invalid', topic: 'twinflow.pageViews', payload: JSON.stringify({ ...d.view, userId: marker, mobile: 'yes' }), reason: 'schema' }
      default:
        return { kind: 'invalid', topic: 'twinflow.orders', payload: JSON.stringify({ ...d.order, orderId: marker + 'x'.repeat(MAX_EVENT_BYTES) }), reason: 'oversized' }
    }
  })
}

const draft = fc.record({
  kind: fc.constantFrom('order', 'order', 'order', 'view', 'view', 'invalid'),
  order,
  view: pageView,
  keying: fc.integer({ min: 0, max: 2 }),
  poison: fc.integer({ min: 0, max: 4 }),
})

type Step =
  | { kind: 'produce'; count: number }
  | { kind: 'start'; maxBatchSize: number }
  | { kind: 'crash'; which: number; produceFirst: number; ticks: number }
  | { kind: 'stop'; which: number }
  | { kind: 'yield'; ticks: number }

// A crash mostly lands while batches are in flight: right after new records, with other members alive.
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('produce' as const), count: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('start' as const), maxBatchSize: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('crash' as const), which: fc.nat(), produceFirst: fc.nat(40), ticks: fc.nat(150) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('yield' as const), ticks: fc.nat(60) }) },
)

/** Lets the workers run for `n` turns of the microtask queue (they process in microtasks). */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

const totals: Omit<SpeedWorkerStats, 'records'> & { crashes: number } = {
  batches: 0,
  invalid: 0,
  deadLetters: 0,
  skippedBelowCutoff: 0,
  duplicateEvents: 0,
  groups: 0,
  applied: 0,
  duplicates: 0,
  overlaps: 0,
  reapplied: 0,
  crashes: 0,
}

// Every start of a worker with a fold thread boots a thread that loads the TypeScript sources
// (about 2 s on a loaded machine): the fold-thread runs take 100 s and more there.
describe('SpeedWorker exactly-once effects', { timeout: 300_000 }, () => {
  afterAll(() => {
    // Without these, the property would not have covered redelivery with other boundaries.
    expect(totals.crashes).toBeGreaterThan(0)
    expect(totals.duplicates).toBeGreaterThan(0)
    expect(totals.overlaps).toBeGreaterThan(0)
    expect(totals.reapplied).toBeGreaterThan(0)
    expect(totals.skippedBelowCutoff).toBeGreaterThan(0)
  })

  // Fold threads answer in another turn of the event loop: crashes then land between a batch's
  // fold and its apply, where the event loop's fold leaves no gap.
  it.each([
    { where: 'on the event loop', foldThreads: 0, numRuns: 150 },
    { where: 'in a fold thread', foldThreads: 1, numRuns: 15 },
  ])(
    'keeps the realtime rows equal to a plain reduce of the valid events through crashes, restarts and rebalances (folding $where)',
    async ({ foldThreads, numRuns }) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(draft, { minLength: 20, maxLength: 300, size: 'large' }),
          fc.array(step, { minLength: 4, maxLength: 30, size: 'large' }),
          fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })),
          fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
          async (drafts, steps, [firstBatchSize, secondBatchSize], cutoffHour) => {
            const all = items(drafts)
            const cutoff = cutoffHour === null ? null : T0 + cutoffHour * HOUR
            const h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 3, pipelineModule: ONLINE_STORE_MODULE })
            if (cutoff !== null) for (const v of onlineStorePipeline.views) h.cutoffs.set(v.name, cutoff)
            const live: Awaited<ReturnType<SpeedHarness['startWorker']>>[] = []
            const start = async (maxBatchSize: number) => live.push(await h.startWorker({ maxBatchSize, maxEventBytes: MAX_EVENT_BYTES, foldThreads }))
            let produced = 0
            const produce = async (count: number) => {
              const chunk = all.slice(produced, produced + count)
              produced += chunk.length
              const byTopic = new Map<string, LogMessage[]>()
              for (const item of chunk) {
                const [topic, message]: [string, LogMessage] =
                  item.kind === 'order'
                    ? ['twinflow.orders', { ...(item.key ? { key: item.key } : {}), value: Buffer.from(JSON.stringify(item.order)) }]
                    : item.kind === 'view'
                      ? ['twinflow.pageViews', { value: Buffer.from(JSON.stringify(item.view)) }]
                      : [item.topic, { value: Buffer.from(item.payload) }]
                byTopic.set(topic, [...(byTopic.get(topic) ?? []), message])
              }
              for (const [topic, messages] of byTopic) await h.produce(topic, messages)
            }
            try {
              await start(firstBatchSize)
              await start(secondBatchSize)
              for (const s of steps) {
                if (s.kind === 'produce') await produce(s.count)
                else if (s.kind === 'start' && live.length < 3) await start(s.maxBatchSize)
                else if (s.kind === 'crash' && live.length > 0) {
                  await produce(s.produceFirst)
                  await ticks(s.ticks)
                  const [victim] = live.splice(s.which % live.length, 1)
                  totals.crashes++
                  await victim!.consumer!.crash()
                } else if (s.kind === 'stop' && live.length > 0) await live.splice(s.which % live.length, 1)[0]!.worker.stop()
                else if (s.kind === 'yield') await ticks(s.ticks)
              }
              await produce(all.length)
              if (live.length === 0) await start(secondBatchSize)
              await h.caughtUp()
            } finally {
              // stops the crashed workers too, which waits for their zombie batches
              await h.close()
            }

            const orders = all.flatMap((i) => (i.kind === 'order' ? [i.order] : []))
            const views = all.flatMap((i) => (i.kind === 'view' ? [i.view] : []))
            const truth = onlineStoreReference(orders, views, cutoff)
            for (const view of ['shopRevenue', 'orderMix', 'shopTraffic']) expect(await h.rows(view), view).toEqual(truth[view])

            // Invalid records are the archiver's to dead-letter: the speed layer skips and counts them
            // (each at least once: redeliveries count again), and writes no letter for them.
            const invalid = all.filter((i) => i.kind === 'invalid').length
            expect(h.deadLetters.letters()).toEqual([])
            let skipped = 0
            for (const { worker } of h.workers) {
              const s = worker.stats()
              skipped += s.invalid
              for (const key of Object.keys(totals) as (keyof typeof totals)[]) if (key !== 'crashes') totals[key] += s[key]
            }
            expect(skipped).toBeGreaterThanOrEqual(invalid)
          },
        ),
        { numRuns },
      )
      // Generous: in this suite each fold thread loads core's TypeScript sources through tsx
      // (1.5 to 3 s a thread on a loaded 2-core machine), and a run starts several workers.
    },
    360_000,
  )
})
