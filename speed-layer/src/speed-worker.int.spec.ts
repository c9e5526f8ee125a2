import { definePipeline, TwinflowError, type LogMessage } from '@twinflow/core'
import { generateOrders, generatePageViews, onlineStorePipeline, type Order } from '@twinflow/example-online-store'
import { afterEach, describe, expect, it } from 'vitest'
import { FRAGILE_MODULE, pipeline as fragilePipeline } from './testing/fragile-pipeline-module.ts'
import { ONLINE_STORE_MODULE } from './testing/online-store-module-url.ts'
import { onlineStoreReference } from './testing/online-store-reference.ts'
import { SpeedHarness } from './testing/speed-harness.ts'
import { Waiter } from '@twinflow/testing/conformance'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 5)
const ORDERS = 'twinflow.orders'
const VIEWS = 'twinflow.pageViews'
const json = (events: readonly object[], key?: (e: any) => string): LogMessage[] => events.map((e) => ({ ...(key ? { key: key(e) } : {}), value: Buffer.from(JSON.stringify(e)) }))

describe('SpeedWorker over the embedded runtimes', () => {
  let h: SpeedHarness
  afterEach(async () => {
    await h?.close()
  })

  it('turns the online-store streams into realtime rows equal to a plain reduce of the events', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 3 })
    const orders = generateOrders(1200, { seed: 7, from: T0, to: T0 + 5 * HOUR })
    const views = generatePageViews(900, { seed: 8, from: T0, to: T0 + 5 * HOUR })
    const { worker } = await h.startWorker({ maxBatchSize: 64 })
    await h.produce(
      ORDERS,
      json(orders.slice(0, 700), (o) => o.orderId),
    )
    await h.produce(VIEWS, json(views))
    await h.produce(ORDERS, json(orders.slice(700)))
    await h.caughtUp()
    const truth = onlineStoreReference(orders, views, null)
    for (const view of ['shopRevenue', 'orderMix', 'shopTraffic']) expect(await h.rows(view), view).toEqual(truth[view])
    expect(worker.health()).toMatchObject({ state: 'running', healthy: true, lastError: null })
    expect(worker.stats()).toMatchObject({ records: 2100, deadLetters: 0, duplicates: 0, overlaps: 0 })
    // progress is recorded per partition, at the last offset
    const ends = await h.log.endOffsets(ORDERS)
    expect(await h.store.progress('twinflow-speed', ORDERS)).toEqual(new Map([...ends].filter(([, end]) => end > 0).map(([p, end]) => [p, end - 1])))
    expect(await h.store.newestEventTime('shopRevenue')).toBe(Math.max(...orders.filter((o) => o.status === 'paid').map((o) => o.ts)))
  })

  it('folds in a thread when given the pipeline module, to the same realtime rows and dead letters', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 3, pipelineModule: ONLINE_STORE_MODULE })
    const orders = generateOrders(1200, { seed: 7, from: T0, to: T0 + 5 * HOUR })
    const views = generatePageViews(900, { seed: 8, from: T0, to: T0 + 5 * HOUR })
    const { worker } = await h.startWorker({ maxBatchSize: 64, foldThreads: 1 })
    await h.produce(
      ORDERS,
      json(orders.slice(0, 700), (o) => o.orderId),
    )
    await h.produce(VIEWS, [...json(views), { value: Buffer.from('{"shopId": 1}') }])
    await h.produce(ORDERS, json(orders.slice(700)))
    await h.caughtUp()
    const truth = onlineStoreReference(orders, views, null)
    for (const view of ['shopRevenue', 'orderMix', 'shopTraffic']) expect(await h.rows(view), view).toEqual(truth[view])
    expect(worker.stats()).toMatchObject({ records: 2101, invalid: 1, deadLetters: 0, duplicates: 0, overlaps: 0 })
    expect(h.deadLetters.letters()).toEqual([]) // the invalid record is the archiver's to dead-letter
    expect(await h.store.newestEventTime('shopTraffic')).toBe(Math.max(...views.map((v) => v.ts)))
  })

  it('fails at start with a config error when its fold threads find another pipeline in the module', async () => {
    const other = definePipeline({ streams: [onlineStorePipeline.stream('orders')], views: [onlineStorePipeline.view('shopRevenue')] })
    h = await SpeedHarness.start({ pipeline: other, partitions: 1, pipelineModule: ONLINE_STORE_MODULE })
    await expect(h.startWorker({ foldThreads: 1 })).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('declares other streams or views than the pipeline this process runs'),
    })
  })

  it('splits the partitions between two workers of one group, and stays exact through the rebalances', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 4 })
    const orders = generateOrders(1500, { seed: 11, from: T0, to: T0 + 3 * HOUR })
    const a = await h.startWorker({ maxBatchSize: 25 })
    await h.produce(
      ORDERS,
      json(orders.slice(0, 500), (o) => o.orderId),
    )
    const b = await h.startWorker({ maxBatchSize: 40 })
    const assigned = (c: typeof a.consumer) => c!.assignment().map((tp) => `${tp.topic}[${tp.partition}]`)
    expect(assigned(a.consumer).length).toBeGreaterThan(0)
    expect(assigned(b.consumer).length).toBeGreaterThan(0)
    expect(assigned(a.consumer).filter((tp) => assigned(b.consumer).includes(tp))).toEqual([])
    expect([...assigned(a.consumer), ...assigned(b.consumer)].sort()).toEqual([0, 1, 2, 3].flatMap((p) => [`${ORDERS}[${p}]`, `${VIEWS}[${p}]`]).sort())
    await h.produce(
      ORDERS,
      json(orders.slice(500, 1000), (o) => o.orderId),
    )
    await h.caughtUp()
    expect(a.worker.stats().batches).toBeGreaterThan(0)
    expect(b.worker.stats().batches).toBeGreaterThan(0)
    await a.worker.stop()
    await h.produce(
      ORDERS,
      json(orders.slice(1000), (o) => o.orderId),
    )
    await h.caughtUp()
    const truth = onlineStoreReference(orders, [], null)
    expect(await h.rows('shopRevenue')).toEqual(truth.shopRevenue)
    expect(await h.rows('orderMix')).toEqual(truth.orderMix)
  })

  it('repairs a redelivery with other boundaries after a crash between the store apply and the commit', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 1 })
    const orders = generateOrders(40, { seed: 21, from: T0, to: T0 + HOUR, shops: 2 })
    const small = await h.startWorker({ maxBatchSize: 6 })
    const large = await h.startWorker({ maxBatchSize: 40 })
    expect(small.consumer!.assignment()).toHaveLength(2)
    // The small worker's process dies right after its first batch reached the store and the sink.
    const off = h.sink.onDeliver(() => {
      off()
      void small.consumer!.crash()
    })
    await h.produce(ORDERS, json(orders))
    await h.caughtUp()
    expect(small.worker.stats().batches).toBe(0)
    expect(await h.store.progress('twinflow-speed', ORDERS)).toEqual(new Map([[0, 39]]))
    expect(h.sink.batches().map((b) => [b.firstOffset, b.lastOffset])).toEqual([
      [0, 5],
      [0, 39],
    ])
    const stats = large.worker.stats()
    expect(stats.overlaps).toBeGreaterThan(0)
    expect(stats.reapplied).toBeGreaterThan(0)
    expect(stats.applied).toBeLessThan(stats.groups)
    const truth = onlineStoreReference(orders, [], null)
    expect(await h.rows('shopRevenue')).toEqual(truth.shopRevenue)
    expect(await h.rows('orderMix')).toEqual(truth.orderMix)
  })

  it('skips invalid records (the archiver dead-letters them); an order of 0 items (unit price 0 / 0: null) is counted, not dead-lettered', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 1 })
    const orders = generateOrders(50, { seed: 3, from: T0, to: T0 + HOUR })
    const good = json(orders)
    const poison = [
      '{"orderId": ',
      '{"orderId": "x", "ts": NaN}',
      JSON.stringify({ ...orders[0], status: 'lost' }),
      JSON.stringify({ ...orders[0], amountCents: 1.5 }),
      '"just a string"',
      JSON.stringify({ ...orders[0], orderId: 'x'.repeat(3000) }),
    ]
    // 0 items and 0 cents: orderMix's unit price is 0 / 0, null, which its max skips; both views count the order.
    const empty = { ...orders[0]!, orderId: 'empty', amountCents: 0, items: 0 }
    const { worker } = await h.startWorker({ maxEventBytes: 2048, maxBatchSize: 7 })
    await h.produce(ORDERS, [...good.slice(0, 20), ...poison.map((p) => ({ value: Buffer.from(p) })), { value: Buffer.from(JSON.stringify(empty)) }, ...good.slice(20)])
    await h.caughtUp()
    expect(await h.rows('shopRevenue')).toEqual(onlineStoreReference([...orders, empty], [], null).shopRevenue)
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference([...orders, empty], [], null).orderMix)
    expect(worker.stats()).toMatchObject({ invalid: poison.length, deadLetters: 0 })
    expect(h.deadLetters.letters()).toEqual([])
  })

  it('skips events below the published cutoff, and drops realtime windows when the cutoff advances', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 2 })
    for (const view of onlineStorePipeline.views) h.cutoffs.set(view.name, T0 + HOUR)
    const orders = generateOrders(800, { seed: 5, from: T0, to: T0 + 4 * HOUR })
    const { worker } = await h.startWorker()
    await h.produce(ORDERS, json(orders.slice(0, 400)))
    await h.caughtUp()
    expect(await h.rows('shopRevenue')).toEqual(onlineStoreReference(orders.slice(0, 400), [], T0 + HOUR).shopRevenue)
    const below = orders.slice(0, 400).filter((o) => o.ts < T0 + HOUR)
    expect(worker.stats().skippedBelowCutoff).toBe(below.filter((o) => o.status === 'paid').length + below.length)

    for (const view of onlineStorePipeline.views) h.cutoffs.set(view.name, T0 + 3 * HOUR)
    await worker.refreshCutoffs()
    expect(worker.cutoff('orderMix')).toBe(T0 + 3 * HOUR)
    expect((await h.rows('shopRevenue')).every((r) => (r.windowStart as number) >= T0 + 3 * HOUR)).toBe(true)
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference(orders.slice(0, 400), [], T0 + 3 * HOUR).orderMix)
    await h.produce(ORDERS, json(orders.slice(400)))
    await h.caughtUp()
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference(orders, [], T0 + 3 * HOUR).orderMix)
  })

  it('delivers the view changes of every batch to the channels, retrying retriable failures', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 1 })
    h.sink.failNextDeliveries(new TwinflowError('unavailable', 'webhook down'), 2)
    const orders = generateOrders(30, { seed: 9, from: T0, to: T0 + HOUR })
    const { worker } = await h.startWorker({ maxBatchSize: 10 })
    await h.produce(ORDERS, json(orders))
    await h.caughtUp()
    const batches = h.sink.batches()
    expect(batches.map((b) => [b.firstOffset, b.lastOffset])).toEqual([
      [0, 9],
      [10, 19],
      [20, 29],
    ])
    const counted = batches
      .flatMap((b) => b.deltas)
      .filter((d) => d.view === 'orderMix')
      .reduce((n, d) => n + (d.cells[0] as number), 0)
    expect(counted).toBe(30)
    expect(worker.health()).toMatchObject({ state: 'running', healthy: true })
  })

  it('a channel that refuses the view changes for good does not stop the worker: they are dead-lettered, later batches delivered', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 1 })
    h.sink.failNextDeliveries(new TwinflowError('validation', 'webhook answered 400: bad request'))
    const orders = generateOrders(30, { seed: 9, from: T0, to: T0 + HOUR })
    const { worker } = await h.startWorker({ maxBatchSize: 10 })
    await h.produce(ORDERS, json(orders))
    await h.caughtUp()
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference(orders, [], null).orderMix)
    expect(h.sink.batches().map((b) => [b.firstOffset, b.lastOffset])).toEqual([
      [10, 19],
      [20, 29],
    ])
    const [letter, ...others] = h.deadLetters.letters()
    expect(others).toEqual([])
    expect(letter).toMatchObject({ stream: 'orders', stage: 'channel:test-sink', reason: 'undeliverable: webhook answered 400: bad request' })
    expect(JSON.parse(letter!.payload.toString())).toMatchObject({ kind: 'view-changes', id: 'view-changes/twinflow.orders/0/0-9', batch: { firstOffset: 0, lastOffset: 9 } })
    expect(h.channels.counts()).toEqual(
      expect.arrayContaining([
        { channel: 'test-sink', kind: 'view-changes', outcome: 'dead-lettered', count: 1 },
        { channel: 'test-sink', kind: 'view-changes', outcome: 'delivered', count: 2 },
      ]),
    )
    expect(worker.health()).toMatchObject({ state: 'running', healthy: true })
  })

  it('stops consuming on a non-retriable failure, says why, and leaves the batch uncommitted for the next worker', async () => {
    const lines: string[] = []
    const logged = new Waiter()
    h = await SpeedHarness.start({
      pipeline: onlineStorePipeline,
      partitions: 1,
      logLines: (line) => {
        lines.push(line)
        logged.notify()
      },
    })
    // The store applies the batch, then refuses to record the progress, for good (fault injection).
    const broken = new TwinflowError('config', 'the store rejected the credentials')
    const recordProgress = h.store.recordProgress.bind(h.store)
    let refuse = true
    h.store.recordProgress = async (...args) => {
      if (!refuse) return recordProgress(...args)
      refuse = false
      throw broken
    }
    const orders: Order[] = generateOrders(10, { seed: 1, from: T0, to: T0 + HOUR })
    const { worker } = await h.startWorker()
    const failed = new Promise((resolve) => worker.onHealthChange((health) => health.state === 'failed' && resolve(health)))
    await h.produce(ORDERS, json(orders))
    const health = (await failed) as ReturnType<typeof worker.health>
    expect(health.healthy).toBe(false)
    expect(TwinflowError.is(health.lastError, 'config')).toBe(true)
    expect((health.lastError as TwinflowError).cause).toBe(broken)
    expect((health.lastError as TwinflowError).message).toMatch(/speed layer, twinflow\.orders\[0\] offsets 0\.\.9: progress record failed/)
    await logged.until(() => lines.some((l) => l.includes('non-retriable') && l.includes('the store rejected the credentials')), 'the error log')
    expect(h.log.committedOffsets('twinflow-speed', ORDERS)).toEqual(new Map())
    // the store got the batch before the progress failed; the next worker's redelivery is a duplicate there
    const next = await h.startWorker()
    await h.caughtUp()
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference(orders, [], null).orderMix)
    expect(next.worker.stats()).toMatchObject({ duplicates: next.worker.stats().groups, applied: 0 })
    await worker.stop()
    expect(worker.health().state).toBe('failed')
  })

  it('fails, rather than hangs, on a batch whose fold never returns in a thread, and stops', async () => {
    h = await SpeedHarness.start({ pipeline: fragilePipeline, partitions: 1, pipelineModule: FRAGILE_MODULE })
    const { worker } = await h.startWorker({ foldThreads: 1, foldTimeoutMs: 300, retry: { retries: 5, initialDelayMs: 10 } })
    const failed = new Promise((resolve) => worker.onHealthChange((health) => health.state === 'failed' && resolve(health)))
    await h.produce(
      'twinflow.fragile',
      json([
        { label: 'a', ts: T0 },
        { label: 'loop', ts: T0 },
      ]),
    )
    const health = (await failed) as ReturnType<typeof worker.health>
    expect(health.lastError).toMatchObject({ kind: 'internal', retriable: false, message: expect.stringContaining('answered nothing for 300 ms') })
    expect(h.log.committedOffsets('twinflow-speed', 'twinflow.fragile')).toEqual(new Map())
    await worker.stop()
    expect(worker.health().state).toBe('failed')
  })

  it('stops gracefully: the batch in flight finishes and is committed', async () => {
    h = await SpeedHarness.start({ pipeline: onlineStorePipeline, partitions: 1 })
    const orders = generateOrders(200, { seed: 2, from: T0, to: T0 + HOUR })
    const { worker } = await h.startWorker({ maxBatchSize: 50 })
    await h.produce(ORDERS, json(orders))
    await worker.stop()
    expect(worker.health().state).toBe('stopped')
    const committed = h.log.committedOffsets('twinflow-speed', ORDERS).get(0) ?? 0
    expect(committed % 50).toBe(0)
    expect((await h.store.progress('twinflow-speed', ORDERS)).get(0) ?? -1).toBe(committed - 1)
    await h.startWorker({ maxBatchSize: 50 })
    await h.caughtUp()
    expect(await h.rows('orderMix')).toEqual(onlineStoreReference(orders, [], null).orderMix)
  })
})
