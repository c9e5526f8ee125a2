import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { graphql } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compileViewEvaluator,
  createJsonLogger,
  groupId,
  mergeRows,
  systemClock,
  TwinflowError,
  type BatchEngine,
  type Delta,
  type PartialRow,
  type Pipeline,
} from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import { ChdbDriver } from '@twinflow/plugin-chdb'
import { MemoryDeadLetterQueue, MemoryEventLog, MemoryRealtimeStore } from '@twinflow/plugin-memory'
import { ChangeFeed } from '../live/change-feed.ts'
import { LiveAnswers } from '../live/live-answers.ts'
import { salesPipeline, salesView, type Sale } from '../query/test-view.ts'
import { ANONYMOUS } from '../auth/principal.ts'
import { buildSchema } from '../schema/build-schema.ts'
import type { ServingServices } from '../schema/serving-services.ts'
import { ReadSession } from './read-session.ts'
import { StreamStats } from './stream-stats.ts'
import { BatchPartCache } from './batch-part-cache.ts'
import type { KeySelection } from './key-selection.ts'
import { ViewReader } from './view-reader.ts'
import { snapshotRows } from '../query/view-snapshot.ts'

const H = 3_600_000
const T0 = Date.UTC(2026, 5, 1)
const CUTOFF = T0 + 48 * H
const logger = createJsonLogger({ level: 'silent' })
const sales: Sale[] = Array.from({ length: 400 }, (_, i) => ({ shop: `s${i % 4}`, web: i % 3 === 0, cents: 1 + (i % 17), ts: T0 + i * 0.15 * H }))

/** Counts the calls of some methods of a real object, in place. */
function counted<O extends object>(target: O, methods: (keyof O & string)[]): { calls: string[] } {
  const record = { calls: [] as string[] }
  for (const method of methods) {
    const original = (target[method] as (...args: unknown[]) => unknown).bind(target)
    ;(target as Record<string, unknown>)[method] = (...args: unknown[]) => {
      // A conditional realtime read's version (its 4th argument) is shown as "since".
      const shown = method === 'readMarkedWindows' ? args.map((a, i) => (i === 3 ? (a === null ? '' : 'since') : a)) : args
      record.calls.push(`${method}(${shown.join(',')})`)
      return original(...args)
    }
  }
  return record
}

const key = (r: PartialRow) => groupId(r.windowStart, r.keys)
const byGroup = (rows: readonly PartialRow[]) => new Map(mergeRows(salesView, rows).map((r) => [key(r), r.cells]))

describe('ViewReader on a real batch engine (chdb) and realtime store (memory)', () => {
  let dir: string
  let driver: ChdbDriver
  let engine: ClickHouseBatchEngine
  let store: MemoryRealtimeStore

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinflow-serving-'))
    driver = new ChdbDriver({ path: dir }, logger)
    await driver.connect()
    engine = new ClickHouseBatchEngine(driver, systemClock, logger)
    await engine.start(salesPipeline)
    await engine.ingest(
      'sales',
      sales.map((event, offset) => ({ partition: 0, offset, event })),
    )
    await engine.buildVersion('sales', 1, CUTOFF)
    await engine.publish('sales', 1, CUTOFF)
    store = new MemoryRealtimeStore()
    await store.start(salesPipeline)
    const evaluate = compileViewEvaluator(salesView)
    const deltas: Delta[] = sales.map((s) => evaluate(s)!).map((e) => ({ view: 'sales', windowStart: e.windowStart, keys: e.keys, cells: e.cells }))
    await store.apply({
      topic: 'twinflow.sales',
      partition: 0,
      firstOffset: 0,
      lastOffset: sales.length - 1,
      deltas: mergeRows(salesView, deltas).map((r) => ({ view: 'sales', ...r })),
    })
  })
  afterAll(async () => {
    await driver?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('merges batch below the cutoff with speed from it on: every window once', async () => {
    const reader = new ViewReader(salesPipeline, engine, store, new BatchPartCache({ chunkWindows: 8 }))
    const [snapshot] = await reader.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
    const evaluate = compileViewEvaluator(salesView)
    expect(byGroup(snapshot!.rows)).toEqual(byGroup(sales.map((s) => ({ ...evaluate(s)! }))))
    expect(snapshot!.publication).toMatchObject({ version: 1, cutoff: CUTOFF })
  })

  it('returns the cached chunks inside a bucketed range already merged into its buckets, which changes no answer', async () => {
    const reader = new ViewReader(salesPipeline, engine, store, new BatchPartCache({ chunkWindows: 4 }))
    const day = { key: '1d', of: (t: number) => t - (t % (24 * H)) }
    for (const [from, to] of [
      [T0, T0 + 100 * H],
      [T0 + 3 * H, T0 + 41 * H],
    ] as const) {
      const [raw, bucketed] = await reader.readMany([
        { view: 'sales', from, to },
        { view: 'sales', from, to, bucket: day },
      ])
      expect(raw!.merged).toBeNull()
      // The batch part comes merged into the days (one row per group and day), the realtime rows apart.
      const merged = bucketed!.merged!
      expect(new Set(merged.rows.map(key)).size).toBe(merged.rows.length)
      expect(merged.rows.every((r) => r.windowStart === day.of(r.windowStart) && r.windowStart < CUTOFF)).toBe(true)
      expect(bucketed!.rows.every((r) => r.windowStart >= CUTOFF)).toBe(true)
      expect(snapshotRows(bucketed!).length).toBeLessThan(raw!.rows.length)
      const daily = (rows: readonly PartialRow[]) => new Map(mergeRows(salesView, rows, day.of).map((r) => [key(r), r.cells]))
      expect(daily(snapshotRows(bucketed!))).toEqual(daily(raw!.rows))
      // Merging into the indexed part gives the same days.
      expect(new Map(mergeRows(salesView, bucketed!.rows, day.of, merged).map((r) => [key(r), r.cells]))).toEqual(daily(raw!.rows))
      // The same range again: the merged part is the one kept, not built again.
      const [again] = await reader.readMany([{ view: 'sales', from, to, bucket: day }])
      expect(again!.merged).toBe(merged)
    }
  })

  it('a read narrowed to some groups returns exactly their rows of the whole read, from both layers, bucketed or not', async () => {
    const reader = new ViewReader(salesPipeline, engine, store, new BatchPartCache({ chunkWindows: 4 }))
    const day = { key: '1d', of: (t: number) => t - (t % (24 * H)) }
    const selections: KeySelection[] = [
      { index: 0, values: new Set(['s1', 's3']), id: 'shops' },
      { index: 1, values: new Set([true]), id: 'web' },
      { index: 0, values: new Set(['none']), id: 'nothing' },
    ]
    for (const [from, to] of [
      [T0, T0 + 100 * H],
      [T0 + 3 * H, T0 + 41 * H],
      [T0 + 5 * H, T0 + 60 * H],
    ] as const) {
      for (const bucket of [undefined, day]) {
        // Twice: the second time the cached chunks' key indexes answer.
        for (let pass = 0; pass < 2; pass++) {
          const [whole, ...narrowed] = await reader.readMany([{ view: 'sales', from, to, bucket }, ...selections.map((keys) => ({ view: 'sales', from, to, bucket, keys }))])
          const all = snapshotRows(whole!)
          selections.forEach((keys, i) => {
            const expected = all.filter((r) => keys.values.has(r.keys[keys.index]!))
            expect(new Set(snapshotRows(narrowed[i]!))).toEqual(new Set(expected))
            expect(snapshotRows(narrowed[i]!)).toHaveLength(expected.length)
          })
          expect(snapshotRows(narrowed[0]!).length).toBeGreaterThan(0)
          expect(snapshotRows(narrowed[0]!).length).toBeLessThan(all.length)
        }
      }
    }
  })

  it('reads the realtime windows of a range read before conditionally: unchanged windows are the rows read then, a change reads them again', async () => {
    // A store of its own: this test changes its windows.
    const own = new MemoryRealtimeStore()
    await own.start(salesPipeline)
    const evaluate = compileViewEvaluator(salesView)
    const live = sales.filter((s) => s.ts >= CUTOFF).map((s) => evaluate(s)!)
    await own.apply({ topic: 'twinflow.sales', partition: 0, firstOffset: 0, lastOffset: 0, deltas: mergeRows(salesView, live).map((r) => ({ view: 'sales', ...r })) })
    const reader = new ViewReader(salesPipeline, engine, own, new BatchPartCache({ chunkWindows: 8 }), { publicationMaxAgeMs: 60_000 })
    const range = { view: 'sales', from: CUTOFF, to: T0 + 70 * H }
    const [first] = await reader.readMany([range])
    const [second] = await reader.readMany([range])
    expect(first!.rows.length).toBeGreaterThan(0)
    expect(byGroup(first!.rows)).toEqual(byGroup(live))
    expect(second!.rows).toBe(first!.rows) // the same rows: not sent, decoded or copied again
    const extra = evaluate({ shop: 's9', web: true, cents: 5, ts: CUTOFF + 5 * H })!
    await own.apply({ topic: 'twinflow.sales', partition: 0, firstOffset: 1, lastOffset: 1, deltas: [{ view: 'sales', ...extra }] })
    const [third] = await reader.readMany([range])
    expect(third!.rows).not.toBe(first!.rows)
    expect(byGroup(third!.rows)).toEqual(byGroup([...live, extra]))
  })

  it('keeps one last realtime read per view and range end: a read from a new start (a moved cutoff) replaces the one before', async () => {
    const own = new MemoryRealtimeStore()
    await own.start(salesPipeline)
    const evaluate = compileViewEvaluator(salesView)
    const live = sales.filter((s) => s.ts >= CUTOFF).map((s) => evaluate(s)!)
    await own.apply({ topic: 'twinflow.sales', partition: 0, firstOffset: 0, lastOffset: 0, deltas: mergeRows(salesView, live).map((r) => ({ view: 'sales', ...r })) })
    const speed = counted(own, ['readMarkedWindows'])
    const reader = new ViewReader(salesPipeline, engine, own, new BatchPartCache({ chunkWindows: 8 }), { publicationMaxAgeMs: 60_000 })
    const end = T0 + 70 * H
    // Ranges that start at the cutoff: reads from two starts with one end.
    const at = (from: number) => reader.readMany([{ view: 'sales', from, to: end }]).then(([s]) => s!)
    const first = await at(CUTOFF)
    await at(CUTOFF)
    const later = await at(CUTOFF + 4 * H)
    await at(CUTOFF + 4 * H)
    const again = await at(CUTOFF)
    expect(speed.calls).toEqual([
      `readMarkedWindows(sales,${CUTOFF},${end},)`,
      `readMarkedWindows(sales,${CUTOFF},${end},since)`,
      `readMarkedWindows(sales,${CUTOFF + 4 * H},${end},)`, // a new start: read whole, and it replaces the first
      `readMarkedWindows(sales,${CUTOFF + 4 * H},${end},since)`,
      `readMarkedWindows(sales,${CUTOFF},${end},)`, // the first start's read was let go
    ])
    expect(byGroup(again.rows)).toEqual(byGroup(first.rows))
    expect(byGroup(later.rows)).toEqual(byGroup(live.filter((r) => r.windowStart >= CUTOFF + 4 * H)))
  })

  it('reads each layer once per view for all the ranges of a request, and each batch chunk once', async () => {
    const batch = counted(engine as BatchEngine, ['currentPublication', 'readWindows'])
    const speed = counted(store, ['readMarkedWindows', 'markedCutoff'])
    try {
      const reader = new ViewReader(salesPipeline, engine, store, new BatchPartCache({ chunkWindows: 8 }), { publicationMaxAgeMs: 60_000 })
      const ranges = [
        { view: 'sales', from: T0, to: T0 + 10 * H },
        { view: 'sales', from: T0 + 30 * H, to: T0 + 60 * H },
        { view: 'sales', from: T0 + 50 * H, to: T0 + 70 * H },
      ]
      const snapshots = await reader.readMany(ranges)
      // The publication is read once (none was seen yet); the race check's cutoff mark comes with the realtime windows.
      expect(batch.calls).toEqual(['currentPublication(sales)', `readWindows(sales,1,${T0},${T0 + 48 * H})`])
      expect(speed.calls).toEqual([`readMarkedWindows(sales,${CUTOFF},${T0 + 70 * H},)`])
      snapshots.forEach((s, i) => expect(s.rows.every((r) => r.windowStart >= ranges[i]!.from && r.windowStart < ranges[i]!.to)).toBe(true))
      batch.calls.length = 0
      // Two requests at once that need the same uncached chunk: it is read once, for both.
      await Promise.all([reader.readMany([{ view: 'sales', from: T0 + 16 * H, to: T0 + 20 * H }]), reader.readMany([{ view: 'sales', from: T0 + 18 * H, to: T0 + 24 * H }])])
      expect(batch.calls.filter((c) => c.startsWith('readWindows'))).toEqual([`readWindows(sales,1,${T0 + 16 * H},${T0 + 24 * H})`])
      batch.calls.length = 0
      await reader.readMany([{ view: 'sales', from: T0, to: T0 + 47 * H }])
      expect(batch.calls.filter((c) => c.startsWith('readWindows'))).toEqual([]) // every chunk below the cutoff is cached now
      // A read with nothing above the cutoff reads the mark alone, after its batch data.
      speed.calls.length = 0
      await reader.readMany([{ view: 'sales', from: T0, to: T0 + 10 * H }])
      expect(speed.calls).toEqual(['markedCutoff(sales)'])
      // Three requests at once for the same realtime range: the first reads; the two that arrive
      // while that read runs share the next one (it starts after they arrived), with equal rows.
      speed.calls.length = 0
      const live = { view: 'sales', from: CUTOFF, to: T0 + 70 * H }
      const three = await Promise.all([reader.readMany([live]), reader.readMany([live]), reader.readMany([live])])
      // The range was read before (by the first readMany): both reads are conditional, and nothing changed.
      expect(speed.calls).toEqual([`readMarkedWindows(sales,${CUTOFF},${T0 + 70 * H},since)`, `readMarkedWindows(sales,${CUTOFF},${T0 + 70 * H},since)`])
      expect(three[1]![0]!.rows).toEqual(three[0]![0]!.rows)
      expect(three[2]![0]!.rows).toEqual(three[0]![0]!.rows)
    } finally {
      for (const m of ['currentPublication', 'readWindows'] as const) delete (engine as unknown as Record<string, unknown>)[m]
      for (const m of ['readMarkedWindows', 'markedCutoff'] as const) delete (store as unknown as Record<string, unknown>)[m]
    }
  })

  it('reads again when a publish races the read, so the boundary has no gap and no double count', async () => {
    const cache = new BatchPartCache()
    const retries: string[] = []
    const reader = new ViewReader(salesPipeline, engine, store, cache, { onRetry: (view) => retries.push(view) })
    const realtimeRead = store.readMarkedWindows.bind(store)
    let raced = false
    // While the first read is at the speed layer, the batch publishes version 2 at a later cutoff
    // and the speed layer drops its windows below it (what the speed layer does after a publish).
    store.readMarkedWindows = async (view, from, to) => {
      if (!raced) {
        raced = true
        await engine.buildVersion('sales', 2, CUTOFF + 24 * H)
        await engine.publish('sales', 2, CUTOFF + 24 * H)
        await store.dropBefore('sales', CUTOFF + 24 * H)
      }
      return realtimeRead(view, from, to)
    }
    try {
      const [snapshot] = await reader.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
      expect(retries).toEqual(['sales'])
      expect(snapshot!.publication).toMatchObject({ version: 2, cutoff: CUTOFF + 24 * H })
      const evaluate = compileViewEvaluator(salesView)
      expect(byGroup(snapshot!.rows)).toEqual(byGroup(sales.map((s) => evaluate(s)!)))
    } finally {
      delete (store as unknown as Record<string, unknown>).readMarkedWindows
    }
    // A publish the speed layer has not marked yet changes nothing for a reader: the realtime
    // windows from the older cutoff on are still complete, so the answer is the older version's.
    const calm = new ViewReader(salesPipeline, engine, store, cache, { publicationMaxAgeMs: 60_000 })
    await calm.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
    store.readMarkedWindows = async (view, from, to) => {
      await engine.buildVersion('sales', 3, CUTOFF + 36 * H)
      await engine.publish('sales', 3, CUTOFF + 36 * H)
      return realtimeRead(view, from, to)
    }
    try {
      const [snapshot] = await calm.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
      expect(snapshot!.publication).toMatchObject({ version: 2 })
      const evaluate = compileViewEvaluator(salesView)
      expect(byGroup(snapshot!.rows)).toEqual(byGroup(sales.map((s) => evaluate(s)!)))
    } finally {
      delete (store as unknown as Record<string, unknown>).readMarkedWindows
    }
    // Once the speed layer marks a cutoff above the reader's on every attempt, the reader gives up.
    const stale = new ViewReader(salesPipeline, engine, store, cache, { maxAttempts: 1, publicationMaxAgeMs: 60_000 })
    await stale.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
    store.readMarkedWindows = async (view, from, to) => {
      await engine.buildVersion('sales', 4, CUTOFF + 48 * H)
      await engine.publish('sales', 4, CUTOFF + 48 * H)
      await store.markCutoff('sales', CUTOFF + 48 * H)
      return realtimeRead(view, from, to)
    }
    try {
      await expect(stale.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])).rejects.toThrow(/republished during 1 reads in a row; retry/)
    } finally {
      delete (store as unknown as Record<string, unknown>).readMarkedWindows
    }
  })

  it('serves a version republished at the same cutoff after an idle spell: never one older than a publication made a second before the request', async () => {
    // Every run within one window publishes at the cutoff of the run before it, so the speed
    // layer's cutoff mark does not move and only the publication lookup can tell.
    const reader = new ViewReader(salesPipeline, engine, store, new BatchPartCache())
    const [before] = await reader.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
    const { version, cutoff } = before!.publication!
    await engine.buildVersion('sales', version + 1, cutoff)
    await engine.publish('sales', version + 1, cutoff)
    await new Promise((r) => setTimeout(r, 1100)) // idle: no request in between
    const [after] = await reader.readMany([{ view: 'sales', from: T0, to: T0 + 100 * H }])
    expect(after!.publication).toMatchObject({ version: version + 1, cutoff })
    const evaluate = compileViewEvaluator(salesView)
    expect(byGroup(after!.rows)).toEqual(byGroup(sales.map((s) => evaluate(s)!)))
  })

  it('a subscription is told of the speed layer progress, and ends at once when its client goes', async () => {
    const feed = new ChangeFeed({ pipeline: salesPipeline, realtime: store, batch: engine, clock: systemClock, logger }, { pollIntervalMs: 20 })
    let reads = 0
    const live = new LiveAnswers(
      feed,
      'sales',
      async () => ++reads,
      (n) => String(n),
    )
    expect(await live.next()).toEqual({ done: false, value: { answer: 1 } })
    expect(feed.size).toBe(1)
    await store.recordProgress('twinflow-speed', 'twinflow.sales', 0, sales.length + 5)
    expect(await live.next()).toMatchObject({ done: false, value: { answer: expect.any(Number) } })
    const waiting = live.next()
    await live.return()
    expect(await waiting).toEqual({ done: true, value: undefined })
    expect(feed.size).toBe(0)
    await feed.stop()
  })

  it('a runtime that is unavailable while freshness is read answers a retriable UNAVAILABLE error, not a masked one', async () => {
    const log = new MemoryEventLog({}, { clock: systemClock, logger })
    log.endOffsets = async () => {
      throw new TwinflowError('unavailable', 'Kafka unreachable: connection refused')
    }
    const session = new ReadSession({
      pipeline: salesPipeline,
      reader: new ViewReader(salesPipeline, engine, store, new BatchPartCache()),
      batch: engine,
      realtime: store,
      log,
      clock: systemClock,
      speedGroupId: 'g',
    })
    const schema = buildSchema({
      pipeline: salesPipeline,
      batch: engine,
      deadLetters: new MemoryDeadLetterQueue({}, { logger }),
      feed: new ChangeFeed({ pipeline: salesPipeline, realtime: store, batch: engine, clock: systemClock, logger }),
      streams: new StreamStats({ log, realtime: store, clock: systemClock, speedGroupId: 'g' }),
      limits: { maxRangeMs: 7 * 86_400_000, maxRows: 100, defaultRows: 10, maxScanRows: 100_000, maxSubscriptions: 1 },
      newSession: () => session,
    })
    const range = `from: "${new Date(T0).toISOString()}", to: "${new Date(T0 + 70 * H).toISOString()}"`
    for (const source of [`{ sales(${range}) { totalCount freshness { pendingEvents } } }`, '{ pipeline { views { name freshness { pendingEvents } } } }']) {
      const result = await graphql({ schema, source, contextValue: { principal: ANONYMOUS, session } })
      expect(result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([['temporarily unavailable: Kafka unreachable: connection refused', 'UNAVAILABLE']])
    }
  })

  it('the schema refuses views whose GraphQL names would clash', () => {
    const services = (pipeline: Pipeline): ServingServices => ({
      pipeline,
      batch: engine,
      deadLetters: new MemoryDeadLetterQueue({}, { logger }),
      feed: new ChangeFeed({ pipeline, realtime: store, batch: engine, clock: systemClock, logger }),
      streams: new StreamStats({ log: new MemoryEventLog({}, { clock: systemClock, logger }), realtime: store, clock: systemClock, speedGroupId: 'g' }),
      limits: { maxRangeMs: 86_400_000, maxRows: 10, defaultRows: 10, maxScanRows: 10, maxSubscriptions: 1 },
      newSession: () =>
        new ReadSession({
          pipeline,
          reader: new ViewReader(pipeline, engine, store, new BatchPartCache()),
          batch: engine,
          realtime: store,
          log: new MemoryEventLog({}, { clock: systemClock, logger }),
          clock: systemClock,
          speedGroupId: 'g',
        }),
    })
    expect(() => buildSchema(services(salesPipeline))).not.toThrow()
    const renamed = (name: string) => ({ ...salesPipeline, views: [{ ...salesView, name }] }) as Pipeline
    expect(() => buildSchema(services(renamed('pipeline')))).toThrow(TwinflowError)
    expect(() => buildSchema(services(renamed('pipeline')))).toThrow('the GraphQL field "pipeline" of view "pipeline" clashes with another field; rename the view')
    const twin = { ...salesPipeline, views: [salesView, { ...salesView, name: 'Sales' }] } as Pipeline
    const split = { ...salesPipeline, views: [salesView, { ...salesView, name: 'salesSplit' }] } as Pipeline
    expect(() => buildSchema(services(split))).toThrow('the GraphQL field "salesSplit" of view "salesSplit" clashes with another field; rename the view')
    expect(() => buildSchema(services(twin))).toThrow(
      /the views do not make a valid GraphQL schema: Schema must contain uniquely named types but contains multiple types named "Sales\w+"/,
    )
  })
})
