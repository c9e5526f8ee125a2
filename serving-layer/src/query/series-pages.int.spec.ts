import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compileDecoder,
  compileViewEvaluator,
  createJsonLogger,
  definePipeline,
  eventCells,
  mergeRows,
  systemClock,
  type BatchEngine,
  type Delta,
  type PartialRow,
  type Scalar,
  type ViewDef,
} from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import { ChdbDriver } from '@twinflow/plugin-chdb'
import { MemoryRealtimeStore } from '@twinflow/plugin-memory'
import { randomViews, type RandomEvent, type ViewSpecCase } from '@twinflow/testing/conformance'
import { BatchPartCache } from '../read/batch-part-cache.ts'
import { salesPipeline, salesView, type Sale } from './test-view.ts'
import { ViewReader, type RangeRead } from '../read/view-reader.ts'
import type { AnswerLimits } from './answer-limits.ts'
import { granularitiesOf, type Granularity } from './granularity.ts'
import { SeriesPlan } from './series-plan.ts'
import type { OrderTerm, SeriesAnswer, SeriesQuery } from './view-query.ts'

const logger = createJsonLogger({ level: 'silent' })
const WINDOW_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 }
const limits: AnswerLimits = { maxRangeMs: 400 * 86_400_000, maxRows: 500, defaultRows: 500, maxScanRows: 1_000_000 }

/** The measures a page can be ordered by: not a sketch's (distinct, quantiles). */
const orderable = (spec: ViewSpecCase) => spec.measures.flatMap((m, i) => (m.kind === 'distinct' || m.kind === 'quantiles' ? [] : [`m${i}`]))

/** A query drawn for a view, before it meets the data (the filter's values are picked from the rows). */
interface QueryCase {
  granularity: number
  from: number
  span: number
  filter: { key: number; picks: number[] } | null
  order: { field: number; descending: boolean }[]
  limit: number
  count: boolean
}

function queryCase(spec: ViewSpecCase, scale: number): fc.Arbitrary<QueryCase> {
  const w = WINDOW_MS[spec.window]!
  const fields = 1 + spec.keys.length + orderable(spec).length
  return fc.record({
    granularity: fc.nat(),
    from: fc.integer({ min: start(spec, scale) - 2 * w, max: start(spec, scale) + 6 * scale * w }),
    span: fc.integer({ min: 1, max: (6 * scale + 4) * w }),
    filter: spec.keys.length === 0 ? fc.constant(null) : fc.option(fc.record({ key: fc.nat(spec.keys.length - 1), picks: fc.array(fc.nat(), { maxLength: 3 }) }), { freq: 3 }),
    order: fc.uniqueArray(fc.record({ field: fc.nat(fields - 1), descending: fc.boolean() }), { selector: (t) => t.field, maxLength: 3 }),
    limit: fc.integer({ min: 1, max: 7 }),
    count: fc.boolean(),
  })
}

/**
 * The events of a view case spread over `scale` times as many windows, starting half of them before
 * randomViews.T0 (a month's start): long ranges, several buckets of each granularity, months included.
 */
function start(spec: ViewSpecCase, scale: number): number {
  return randomViews.T0 - 3 * (scale - 1) * WINDOW_MS[spec.window]!
}

function spread(spec: ViewSpecCase, scale: number, time: number): number {
  return start(spec, scale) + (time - randomViews.T0) * scale
}

/** The view's realtime deltas: the events at or after the cutoff, as the speed layer applies them. */
function realtimeDeltas(view: ViewDef, events: readonly RandomEvent[], cutoff: number): Delta[] {
  const evaluate = compileViewEvaluator(view)
  const rows: PartialRow[] = []
  for (const event of events) {
    if (event.ts < cutoff) continue
    const out = evaluate(event as unknown as Record<string, unknown>)
    if (out) rows.push({ windowStart: out.windowStart, keys: [...out.keys], cells: eventCells(view, out.cells) })
  }
  return mergeRows(view, rows).map((r) => ({ view: view.name, ...r }))
}

describe('series pages on a real batch engine (chdb) and realtime store (memory)', () => {
  let dir: string
  let driver: ChdbDriver

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinflow-pages-'))
    driver = new ChdbDriver({ path: dir }, logger)
    await driver.connect()
  })
  afterAll(async () => {
    await driver?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a page read answers as the whole range merged, and paging through yields each row once (property)', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        randomViews.viewCase.chain((c) =>
          fc.constantFrom(1, 8, 60).chain((scale) =>
            fc.record({
              c: fc.constant(c),
              scale: fc.constant(scale),
              chunkWindows: fc.constantFrom(1, 3, 8, 64),
              queries: fc.array(queryCase(c.spec, scale), { minLength: 1, maxLength: 4 }),
            }),
          ),
        ),
        async ({ c, scale, chunkWindows, queries }) => {
          const { spec } = c
          const view = randomViews.declare(`pages${++run}`, spec)
          const decode = compileDecoder(view.stream)
          const events = c.events.flatMap((raw) => {
            const decoded = decode(Buffer.from(JSON.stringify(raw)), Number.MAX_SAFE_INTEGER)
            return decoded.ok ? [{ ...(decoded.event as unknown as RandomEvent), ts: spread(spec, scale, decoded.event.ts as number) }] : []
          })
          const cutoff = spread(spec, scale, c.cutoff)
          const pipeline = definePipeline({ streams: [view.stream], views: [view] })
          const engine = new ClickHouseBatchEngine(driver, systemClock, logger)
          await engine.start(pipeline)
          await engine.ingest(
            view.stream.name,
            events.map((event, i) => ({ partition: 0, offset: i, event: event as unknown as Record<string, unknown> })),
          )
          await engine.buildVersion(view.name, 1, cutoff)
          await engine.publish(view.name, 1, cutoff)
          const store = new MemoryRealtimeStore()
          await store.start(pipeline)
          await store.markCutoff(view.name, cutoff)
          await store.apply({ topic: view.stream.topic, partition: 0, firstOffset: 0, lastOffset: 0, deltas: realtimeDeltas(view, events, cutoff) })
          const reader = new ViewReader(pipeline, engine, store, new BatchPartCache({ chunkWindows }), { publicationMaxAgeMs: 60_000 })
          const w = WINDOW_MS[spec.window]!
          const all = await reader.readMany([{ view: view.name, from: start(spec, scale), to: start(spec, scale) + 6 * scale * w }])
          const rows = [...(all[0]!.merged?.rows ?? []), ...all[0]!.rows]

          for (const q of queries) {
            const granularities = granularitiesOf(view)
            const granularity: Granularity = granularities[q.granularity % granularities.length]!
            const fields = ['windowStart', ...view.keys.map((k) => k.name), ...orderable(spec)]
            const orderBy: OrderTerm[] = q.order.map((t) => ({ field: fields[t.field]!, direction: t.descending ? 'DESC' : 'ASC' }))
            let keyFilter: Record<string, Scalar[]> | undefined
            if (q.filter) {
              // Key filters hold values: a null key is in no filter.
              const values = [...new Set(rows.flatMap((r) => (r.keys[q.filter!.key] === null ? [] : [r.keys[q.filter!.key] as Scalar])))]
              keyFilter = { [view.keys[q.filter.key]!.name]: values.length === 0 ? [] : q.filter.picks.map((i) => values[i % values.length]!) }
            }
            const query: SeriesQuery = { view: view.name, from: q.from, to: q.from + q.span, granularity, orderBy, keyFilter }
            const context = JSON.stringify({ spec, scale, cutoff, chunkWindows, query })
            // The old path: the whole range read and merged, then ordered and cut.
            const full = async (plan: SeriesPlan): Promise<SeriesAnswer> => {
              const read: RangeRead = { view: view.name, from: query.from, to: query.to, bucket: plan.bucketing, keys: plan.keys }
              return plan.answer((await reader.readMany([read]))[0]!)
            }
            const whole = await full(new SeriesPlan(view, { ...query, limit: limits.maxRows }, limits))
            expect(whole.pageInfo.hasNextPage, context).toBe(false)
            const paged: SeriesAnswer['rows'] = []
            let after: string | null = null
            for (let i = 0; i <= whole.rows.length; i++) {
              const plan: SeriesPlan = new SeriesPlan(view, { ...query, limit: q.limit, after }, limits)
              const page = plan.answer((await reader.readMany([plan.pageRead({ count: q.count })]))[0]!)
              expect(page, `${context} page ${i}`).toEqual({ ...(await full(plan)), totalCount: q.count ? whole.rows.length : null })
              paged.push(...page.rows)
              after = page.pageInfo.endCursor
              if (!page.pageInfo.hasNextPage) break
            }
            expect(paged, context).toEqual(whole.rows)
          }
          await store.stop()
        },
      ),
      { numRuns: 40 },
    )
  }, 600_000)
})

const H = 3_600_000
const DAY = 24 * H
const T0 = Date.UTC(2026, 5, 1)
/** 20 days of hourly sales of 10 shops (one each per hour); the batch version up to day 19, 05:00. */
const CUTOFF = T0 + 19 * DAY + 5 * H
const END = T0 + 20 * DAY
const SALES: Sale[] = Array.from({ length: 20 * 24 * 10 }, (_, i) => ({ shop: `s${i % 10}`, web: i % 3 === 0, cents: 1 + (i % 17), ts: T0 + Math.floor(i / 10) * H + (i % 10) }))

/** Records the calls of some methods of a real object, in place; `restore` puts them back. */
function counted<O extends object>(target: O, methods: (keyof O & string)[]): { calls: string[]; restore(): void } {
  const calls: string[] = []
  for (const method of methods) {
    const original = (target[method] as (...args: unknown[]) => unknown).bind(target)
    ;(target as Record<string, unknown>)[method] = (...args: unknown[]) => {
      calls.push(`${method}(${args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : String(a))).join(',')})`)
      return original(...args)
    }
  }
  return { calls, restore: () => methods.forEach((m) => delete (target as Record<string, unknown>)[m]) }
}

describe('series pages of a long range (chdb and memory)', () => {
  let dir: string
  let driver: ChdbDriver
  let engine: ClickHouseBatchEngine
  let store: MemoryRealtimeStore

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'twinflow-long-pages-'))
    driver = new ChdbDriver({ path: dir }, logger)
    await driver.connect()
    engine = new ClickHouseBatchEngine(driver, systemClock, logger)
    await engine.start(salesPipeline)
    await engine.ingest(
      'sales',
      SALES.map((event, offset) => ({ partition: 0, offset, event })),
    )
    await engine.buildVersion('sales', 1, CUTOFF)
    await engine.publish('sales', 1, CUTOFF)
    store = new MemoryRealtimeStore()
    await store.start(salesPipeline)
    await store.markCutoff('sales', CUTOFF)
    const evaluate = compileViewEvaluator(salesView)
    const live = SALES.filter((s) => s.ts >= CUTOFF).map((s) => evaluate(s)!)
    await store.apply({ topic: 'twinflow.sales', partition: 0, firstOffset: 0, lastOffset: 0, deltas: mergeRows(salesView, live).map((r) => ({ view: 'sales', ...r })) })
  })
  afterAll(async () => {
    await driver?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const reader = (options: { chunkWindows?: number; maxAttempts?: number } = {}) =>
    new ViewReader(salesPipeline, engine, store, new BatchPartCache({ chunkWindows: options.chunkWindows ?? 8 }), { publicationMaxAgeMs: 60_000, maxAttempts: options.maxAttempts })
  const plan = (query: Partial<SeriesQuery>, own: Partial<AnswerLimits> = {}) => new SeriesPlan(salesView, { view: 'sales', from: T0, to: END, ...query }, { ...limits, ...own })
  /** The page as the whole range gives it (the old path). */
  const fullAnswer = async (r: ViewReader, p: SeriesPlan) =>
    p.answer((await r.readMany([{ view: 'sales', from: p.query.from, to: p.query.to, bucket: p.bucketing, keys: p.keys }]))[0]!)
  const pageAnswer = async (r: ViewReader, p: SeriesPlan, count = true, signal?: AbortSignal) => p.answer((await r.readMany([p.pageRead({ count, signal })]))[0]!)

  it('a page ordered by window start reads the chunks of its buckets, not the range', async () => {
    const r = reader()
    const spy = counted(engine as BatchEngine, ['readWindows', 'readPage', 'countRows'])
    try {
      const first = await pageAnswer(r, plan({ limit: 5 }))
      // One chunk of 8 windows, and the count of the batch-only windows.
      expect(spy.calls).toEqual([`countRows(sales,1,${JSON.stringify({ from: T0, to: CUTOFF, bucket: '1h', keys: {} })})`, `readWindows(sales,1,${T0},${T0 + 8 * H})`])
      expect(first).toEqual(await fullAnswer(r, plan({ limit: 5 })))
      expect(first.totalCount).toBe(20 * 24 * 10)
      spy.calls.length = 0
      // A page in the middle, descending: the chunk of its cursor's bucket (the count is kept).
      const descending = [{ field: 'windowStart', direction: 'DESC' as const }]
      const many = { maxRows: 10_000 }
      const whole = await fullAnswer(r, plan({ limit: 10_000, orderBy: descending }, many))
      const at = whole.rows.findIndex((row) => row.windowStart === T0 + 10 * DAY + 3 * H)
      const after = (await fullAnswer(r, plan({ limit: at + 1, orderBy: descending }, many))).pageInfo.endCursor
      const paged = plan({ limit: 4, orderBy: descending, after })
      // A reader of its own: the whole answers above have cached every chunk.
      spy.calls.length = 0
      const page = await pageAnswer(reader(), paged)
      expect(spy.calls.filter((c) => !c.startsWith('countRows'))).toEqual([`readWindows(sales,1,${T0 + 10 * DAY},${T0 + 10 * DAY + 8 * H})`])
      expect(page).toEqual(await fullAnswer(r, paged))
    } finally {
      spy.restore()
    }
  })

  it('at a coarser granularity a bucket counts once read whole, and the one that straddles the cutoff merges both layers', async () => {
    const r = reader({ chunkWindows: 3 })
    for (const orderBy of [[], [{ field: 'windowStart', direction: 'DESC' as const }], [{ field: 'cents', direction: 'DESC' as const }]]) {
      let after: string | null = null
      const rows: unknown[] = []
      for (let i = 0; i < 100; i++) {
        const p = plan({ granularity: '1d', limit: 7, orderBy, after })
        const page = await pageAnswer(r, p)
        expect(page, JSON.stringify({ orderBy, i })).toEqual(await fullAnswer(r, p))
        rows.push(...page.rows)
        after = page.pageInfo.endCursor
        if (!page.pageInfo.hasNextPage) break
      }
      expect(rows).toEqual((await fullAnswer(r, plan({ granularity: '1d', limit: 500, orderBy }))).rows)
    }
  })

  it('a descending page that the realtime rows fill reads nothing of the batch; an order by a measure reads one page of it', async () => {
    const r = reader()
    const spy = counted(engine as BatchEngine, ['readWindows', 'readPage', 'countRows'])
    try {
      const latest = plan({ limit: 20, orderBy: [{ field: 'windowStart', direction: 'DESC' }] })
      expect(await pageAnswer(r, latest, false)).toEqual({ ...(await fullAnswer(r, latest)), totalCount: null })
      spy.calls.length = 0
      await pageAnswer(r, latest, false)
      expect(spy.calls).toEqual([])
      const byCents = plan({ limit: 3, orderBy: [{ field: 'cents', direction: 'DESC' }] })
      spy.calls.length = 0
      expect(await pageAnswer(r, byCents, false)).toEqual({ ...(await fullAnswer(r, byCents)), totalCount: null })
      expect(spy.calls.filter((c) => !c.startsWith('readWindows'))).toEqual([
        `readPage(sales,1,${JSON.stringify({
          from: T0,
          to: CUTOFF,
          bucket: '1h',
          keys: {},
          orderBy: [
            { field: 'cents', direction: 'DESC' },
            { field: 'windowStart', direction: 'ASC' },
            { field: 'shop', direction: 'ASC' },
            { field: 'web', direction: 'ASC' },
          ],
          after: null,
          limit: 4,
        })})`,
      ])
    } finally {
      spy.restore()
    }
  })

  it("counts the partial rows it reads toward maxScanRows, and stops at the request's signal", async () => {
    const r = reader({ chunkWindows: 4 })
    // A filter that nothing passes walks the whole range.
    const nothing = plan({ limit: 5, keyFilter: { shop: ['none'] } }, { maxScanRows: 100 })
    await expect(pageAnswer(r, nothing)).resolves.toMatchObject({ rows: [], totalCount: 0 })
    const wide = plan({ limit: 5, keyFilter: { web: [false] } }, { maxScanRows: 100 })
    await expect(pageAnswer(r, wide)).rejects.toThrow(/this query reads \d+ partial rows of view "sales"; the limit is 100/)
    const aborted = new AbortController()
    aborted.abort(new Error('deadline'))
    const spy = counted(engine as BatchEngine, ['readWindows', 'readPage'])
    try {
      await expect(pageAnswer(r, plan({ limit: 5, from: T0 + DAY }), true, aborted.signal)).rejects.toThrow('deadline')
      expect(spy.calls).toEqual([])
    } finally {
      spy.restore()
    }
  })

  it('a page read again at the newer publication when a publish races it: its pager pages that version', async () => {
    const r = reader()
    const p = plan({ limit: 4, orderBy: [{ field: 'cents', direction: 'ASC' }] })
    await pageAnswer(r, p)
    const realtimeRead = store.readMarkedWindows.bind(store)
    const spy = counted(engine as BatchEngine, ['readPage'])
    let raced = false
    store.readMarkedWindows = async (view, from, to, since) => {
      if (!raced) {
        raced = true
        await engine.buildVersion('sales', 2, CUTOFF + 3 * H)
        await engine.publish('sales', 2, CUTOFF + 3 * H)
        await store.dropBefore('sales', CUTOFF + 3 * H)
      }
      return realtimeRead(view, from, to, since)
    }
    try {
      const page = await pageAnswer(r, p)
      expect(page.publication).toMatchObject({ version: 2, cutoff: CUTOFF + 3 * H })
      expect(spy.calls.map((c) => c.split(',').slice(0, 2).join(','))).toEqual(['readPage(sales,1', 'readPage(sales,2'])
      expect(page).toEqual(await fullAnswer(r, p))
    } finally {
      spy.restore()
      delete (store as unknown as Record<string, unknown>).readMarkedWindows
    }
  })
})
