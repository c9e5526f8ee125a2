import { Channels, createJsonLogger, finalizeRow, NOTIFICATION_KINDS, systemClock, TwinflowError, type LogBatch, type RealtimeStore } from '@twinflow/core'
import { onlineStorePipeline, type Order } from '@twinflow/example-online-store'
import { MemoryDeadLetterQueue, MemoryRealtimeStore, MemorySink } from '@twinflow/plugin-memory'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { BatchProcessor, type BatchResult } from './batch-processor.ts'
import { onlineStoreReference, sortRows } from './testing/online-store-reference.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 5)
const TOPIC = 'twinflow.orders'
const logger = createJsonLogger({ level: 'silent' })

async function setup(options: { store?: RealtimeStore; cutoff?: number } = {}) {
  const store = options.store ?? new MemoryRealtimeStore()
  if (!options.store) await store.start(onlineStorePipeline)
  const deadLetters = new MemoryDeadLetterQueue({}, { logger })
  await deadLetters.connect()
  const sink = new MemorySink()
  await sink.connect()
  const processor = new BatchProcessor({
    pipeline: onlineStorePipeline,
    store,
    deadLetters,
    channels: new Channels({
      sinks: [sink],
      settings: () => ({ kinds: NOTIFICATION_KINDS, delivery: { retries: 2, initialDelayMs: 1, maxDelayMs: 2, attemptTimeoutMs: 5000 }, where: 'sinks[0]' }),
      deadLetters,
      pipeline: onlineStorePipeline,
      clock: systemClock,
      logger,
    }),
    cutoff: () => options.cutoff ?? -Infinity,
    clock: systemClock,
    logger,
    consumer: 'test',
    maxEventBytes: 4096,
    retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 2 },
  })
  return { store, deadLetters, sink, processor }
}

/** When the test's records were appended to the log: after every event time of the tests (none is too far in the future). */
const LOG_TIME = Date.UTC(2030, 0, 1)

/** The log batch of payloads[first..last], as the log would deliver it. */
function logBatch(payloads: readonly string[], first: number, last: number, topic = TOPIC): LogBatch {
  const records = payloads.slice(first, last + 1).map((p, i) => ({ offset: first + i, key: null, value: Buffer.from(p), timestamp: LOG_TIME, headers: {} }))
  return { topic, partition: 0, records, firstOffset: first, lastOffset: last, highWatermark: payloads.length }
}

async function rows(store: RealtimeStore, view: string) {
  const def = onlineStorePipeline.view(view)
  return sortRows((await store.readWindows(view, 0, Number.MAX_SAFE_INTEGER)).map((r) => finalizeRow(def, r)))
}

const orderArb = fc.record({
  shopId: fc.constantFrom('s0', 's1', 's2'),
  customerId: fc.constant('c'),
  status: fc.constantFrom('created', 'paid', 'refunded'),
  amountCents: fc.integer({ min: 0, max: 30_000 }),
  items: fc.integer({ min: 1, max: 4 }),
  ts: fc.integer({ min: T0, max: T0 + 2 * HOUR - 1 }),
})

const totals = { overlaps: 0, reapplied: 0, duplicates: 0 }

describe('BatchProcessor', () => {
  afterAll(() => {
    // the property below must have exercised the overlap repair, or it proved nothing
    expect(totals.overlaps).toBeGreaterThan(0)
    expect(totals.reapplied).toBeGreaterThan(0)
    expect(totals.duplicates).toBeGreaterThan(0)
  })

  it('is exact under redelivery with any boundaries, crashes before commit and concurrent zombie deliveries', async () => {
    const delivery = fc.record({ rewind: fc.nat(8), size: fc.integer({ min: 1, max: 12 }) })
    const round = fc.record({ deliveries: fc.array(delivery, { minLength: 1, maxLength: 3 }), commit: fc.boolean() })
    await fc.assert(
      fc.asyncProperty(fc.array(orderArb, { minLength: 1, maxLength: 80 }), fc.array(round, { maxLength: 25 }), async (drafts, rounds) => {
        const orders: Order[] = drafts.map((d, i) => ({ ...d, orderId: `o${i}` }) as Order)
        const payloads = orders.map((o) => JSON.stringify(o))
        const { store, processor } = await setup()
        const results: BatchResult[] = []
        let committed = 0
        for (const r of rounds) {
          if (committed >= payloads.length) break
          // every delivery of a round starts at or before the committed offset, as after a crash or a rebalance
          const ranges = r.deliveries.map((d) => {
            const first = Math.max(0, committed - d.rewind)
            return [first, Math.min(payloads.length - 1, first + d.size - 1)] as const
          })
          results.push(...(await Promise.all(ranges.map(([first, last]) => processor.process(logBatch(payloads, first, last))))))
          if (r.commit) committed = Math.max(...ranges.map(([, last]) => last + 1))
        }
        for (; committed < payloads.length; committed += 10) results.push(await processor.process(logBatch(payloads, committed, Math.min(payloads.length, committed + 10) - 1)))
        for (const key of ['overlaps', 'reapplied', 'duplicates'] as const) totals[key] += results.reduce((n, x) => n + x[key], 0)
        const truth = onlineStoreReference(orders, [], null)
        expect(await rows(store, 'shopRevenue')).toEqual(truth.shopRevenue)
        expect(await rows(store, 'orderMix')).toEqual(truth.orderMix)
      }),
      { numRuns: 150 },
    )
  })

  it('changes nothing when the same batch is processed again, and writes it to the sinks again', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => ({
      orderId: `o${i}`,
      shopId: `s${i % 3}`,
      customerId: 'c',
      amountCents: 100 * i,
      items: 1 + (i % 4),
      status: 'paid',
      ts: T0 + i * 60_000,
    }))
    const payloads = orders.map((o) => JSON.stringify(o))
    const { store, sink, processor } = await setup()
    const first = await processor.process(logBatch(payloads, 0, 19))
    const before = [await rows(store, 'shopRevenue'), await rows(store, 'orderMix')]
    const again = await processor.process(logBatch(payloads, 0, 19))
    expect(first).toMatchObject({ applied: first.groups, duplicates: 0 })
    expect(again).toMatchObject({ applied: 0, duplicates: first.groups, overlaps: 0 })
    expect([await rows(store, 'shopRevenue'), await rows(store, 'orderMix')]).toEqual(before)
    expect(sink.batches()).toHaveLength(2)
    expect(sink.batches()[1]).toEqual(sink.batches()[0])
    expect(await store.progress('test', TOPIC)).toEqual(new Map([[0, 19]]))
  })

  it('divides by zero to null, in every view: no dead letter, no infinity, measures skip it', async () => {
    const base = { shopId: 's', customerId: 'c', status: 'paid', ts: T0 }
    const payloads = [
      JSON.stringify({ ...base, orderId: 'zero', amountCents: 0, items: 0 }),
      JSON.stringify({ ...base, orderId: 'inf', amountCents: 500, items: 0 }),
      JSON.stringify({ ...base, orderId: 'ok', amountCents: 300, items: 3 }),
    ]
    const { store, deadLetters, processor } = await setup()
    const result = await processor.process(logBatch(payloads, 0, 2))
    expect(result.deadLetters).toBe(0)
    expect(deadLetters.letters()).toEqual([])
    expect((await rows(store, 'shopRevenue'))[0]).toMatchObject({ orders: 3, revenueCents: 800 })
    expect(await rows(store, 'orderMix')).toEqual([{ windowStart: T0, shop: 's', status: 'paid', large: false, orders: 3, items: 3, maxUnitPrice: 100 }])
  })

  it('skips events of windows below the cutoff, per view window', async () => {
    const base = { orderId: 'o', shopId: 's', customerId: 'c', status: 'paid', amountCents: 100, items: 1 }
    const payloads = [T0 + 10 * 60_000, T0 + 20 * 60_000, T0 + HOUR].map((ts) => JSON.stringify({ ...base, ts }))
    const { store, processor } = await setup({ cutoff: T0 + 15 * 60_000 })
    const result = await processor.process(logBatch(payloads, 0, 2))
    // shopRevenue (1h windows) skips the first two, orderMix (15m windows) only the first
    expect(result.skippedBelowCutoff).toBe(3)
    expect((await rows(store, 'shopRevenue')).map((r) => r.windowStart)).toEqual([T0 + HOUR])
    expect((await rows(store, 'orderMix')).map((r) => r.windowStart)).toEqual([T0 + 15 * 60_000, T0 + HOUR])
  })

  it('rethrows a store failure with its kind, its retriability and the batch position, recording no progress', async () => {
    const stopped = new MemoryRealtimeStore()
    const { processor } = await setup({ store: stopped })
    const error = await processor
      .process(logBatch([JSON.stringify({ orderId: 'o', shopId: 's', customerId: 'c', status: 'paid', amountCents: 1, items: 1, ts: T0 })], 0, 0))
      .catch((e: unknown) => e)
    expect(TwinflowError.is(error, 'unavailable')).toBe(true)
    expect((error as TwinflowError).retriable).toBe(false)
    expect((error as TwinflowError).message).toMatch(/^speed layer, twinflow\.orders\[0\] offsets 0\.\.0: realtime store apply failed: the memory realtime store is not started/)
    expect((error as TwinflowError).context).toMatchObject({ topic: TOPIC, partition: 0, firstOffset: 0, lastOffset: 0 })
  })

  it('fails with an internal error for a topic no stream with views reads', async () => {
    const { processor } = await setup()
    expect(processor.topics.sort()).toEqual(['twinflow.orders', 'twinflow.pageViews'])
    await expect(processor.process(logBatch(['{}'], 0, 0, 'elsewhere'))).rejects.toSatisfy((e) => TwinflowError.is(e, 'internal'))
  })
})
