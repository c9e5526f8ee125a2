import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Channels, count, createJsonLogger, defineAlert, definePipeline, defineStream, defineView, sum, t, type AlertNotification, type Clock, type Delta } from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import { ChdbDriver } from '@twinflow/plugin-chdb'
import { MemoryDeadLetterQueue, MemoryEventLog, MemoryRealtimeStore, MemorySink } from '@twinflow/plugin-memory'
import { Waiter } from '@twinflow/testing/conformance'
import { BatchPartCache } from '../read/batch-part-cache.ts'
import { ViewReader } from '../read/view-reader.ts'
import { parseAlertOptions } from './alert-options.ts'
import { AlertEvaluator } from './alert-evaluator.ts'
import { AlertReader } from './alert-reader.ts'

const M = 60_000
const T = Date.UTC(2026, 10, 23, 12, 0, 30)
const orders = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const revenue = defineView('revenue', orders, { groupBy: (o) => ({ shop: o.shop }), window: '1m', measures: (o) => ({ n: count(), cents: sum(o.cents) }) })
const big = defineAlert(revenue, { name: 'bigShop', measure: 'cents', range: '5m', above: 1000 })
const pipeline = definePipeline({ streams: [orders], views: [revenue], alerts: [big] })
const logger = createJsonLogger({ level: 'silent' })
const limits = { maxRangeMs: 366 * 86_400_000, maxRows: 10_000, defaultRows: 1000, maxScanRows: 1_000_000 }

describe('AlertEvaluator: one process of those running the alert role evaluates and notifies', () => {
  let dir: string
  let driver: ChdbDriver
  let engine: ClickHouseBatchEngine
  let log: MemoryEventLog
  let offset = 0
  const now = { t: T }
  const clock: Clock = {
    now: () => now.t,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms)
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            reject(signal.reason)
          },
          { once: true },
        )
      }),
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinflow-alerts-'))
    driver = new ChdbDriver({ path: dir }, logger)
    await driver.connect()
    engine = new ClickHouseBatchEngine(driver, clock, logger)
    await engine.start(pipeline)
    log = new MemoryEventLog({}, { clock, logger })
    await log.connect()
    await log.createTopic(orders.topic, 1)
  })
  afterAll(async () => {
    await driver.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Appends an order to the log, and applies it to the store as the speed layer does (a fenced batch, then its progress). */
  async function apply(store: MemoryRealtimeStore, shop: string, cents: number, at: number) {
    await log.produce(orders.topic, [{ value: Buffer.from(JSON.stringify({ shop, cents, ts: at })) }])
    const delta: Delta = { view: 'revenue', windowStart: at - (at % M), keys: [shop], cells: [1, cents] }
    await store.apply({ topic: orders.topic, partition: 0, firstOffset: offset, lastOffset: offset, deltas: [delta], newestEventTime: { revenue: at } })
    await store.recordProgress('twinflow-speed', orders.topic, 0, offset++)
  }

  it('two evaluators on one store: one fires once, the other takes over when it stops, and resolves once', async () => {
    const store = new MemoryRealtimeStore({ clock })
    await store.start(pipeline)
    const deadLetters = new MemoryDeadLetterQueue({}, { logger })
    await deadLetters.connect()
    const sink = new MemorySink('pager')
    await sink.connect()
    const received = new Waiter()
    sink.onDeliver(() => received.notify())
    const channels = new Channels({
      sinks: [sink],
      settings: (s) => ({ kinds: s.accepts, delivery: { retries: 2, initialDelayMs: 10, maxDelayMs: 20, attemptTimeoutMs: 2000 }, where: 'sinks[0]' }),
      deadLetters,
      pipeline,
      clock,
      logger,
    })
    const options = parseAlertOptions({ rules: { bigShop: { channels: ['pager'] } }, pollIntervalMs: 20, intervalMs: 200, leaseTtlMs: 1000 })
    const evaluator = () =>
      new AlertEvaluator(
        {
          rules: [{ rule: big, channels: ['pager'] }],
          reader: new AlertReader(new ViewReader(pipeline, engine, store, new BatchPartCache({})), limits),
          store,
          batch: engine,
          log,
          channels,
          clock,
          logger,
          speedGroupId: 'twinflow-speed',
        },
        options,
      )
    const first = evaluator()
    const second = evaluator()
    first.start()
    await new Promise((resolve) => setTimeout(resolve, 100))
    second.start()
    try {
      await apply(store, 'north', 700, T - 2 * M)
      await apply(store, 'north', 600, T - M)
      await apply(store, 'south', 300, T - M)
      const alerts = () => sink.notifications().filter((n): n is AlertNotification => n.kind === 'alert')
      await received.until(() => alerts().length === 1, 'the firing')
      const [firing] = alerts()
      expect(firing!.alert).toMatchObject({ rule: 'bigShop', state: 'firing', group: { shop: 'north' }, value: 1300, threshold: 1000, sequence: 1 })
      expect([first.stats().leader, second.stats().leader]).toEqual([true, false])
      // More events for the firing group: no second notification, whoever evaluates.
      await apply(store, 'north', 50, T)
      await new Promise((resolve) => setTimeout(resolve, 500))
      await first.stop()
      // The other takes the lease within its time to live, with the state where the first left it.
      const deadline = Date.now() + 5000
      while (!second.stats().leader && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(second.stats().leader).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(alerts()).toHaveLength(1)
      // Five minutes on, the orders are out of the range: resolved, once.
      now.t = T + 6 * M
      await received.until(() => alerts().length === 2, 'the resolve')
      expect(alerts()[1]!.alert).toMatchObject({ state: 'resolved', group: { shop: 'north' }, value: 0, sequence: 2, firedAt: firing!.alert.firedAt })
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(alerts()).toHaveLength(2)
      expect(new Set(alerts().map((n) => n.id)).size).toBe(2)
    } finally {
      await first.stop()
      await second.stop()
    }
  })
})
