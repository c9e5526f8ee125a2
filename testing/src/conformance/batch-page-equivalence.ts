import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compileDecoder,
  createJsonLogger,
  definePipeline,
  mergeRows,
  monthStart,
  systemClock,
  windowMs,
  type BucketSize,
  type PartialRow,
  type Scalar,
  type SortTerm,
  type ViewDef,
  type WindowSize,
} from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import type { BatchSqlEquivalenceOptions } from './batch-sql-equivalence.ts'
import { propertyRuns, propertyTimeout } from './property-runs.ts'
import { randomViews, type ViewSpecCase } from './random-views.ts'

const BUCKETS: readonly BucketSize[] = ['1m', '5m', '15m', '1h', '1d', '1mo']
const WINDOW_MS: Record<WindowSize, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 }

/** A page request drawn for a view, before it meets the data (filter values and the cursor are picked from the rows). */
interface PageCase {
  bucket: BucketSize
  from: number
  to: number
  filter: { key: number; picks: number[] } | null
  order: { field: string; descending: boolean }[]
  after: number | null
  limit: number
}

/** Sketch measures (distinct, quantiles) order nothing: `readPage` refuses them. */
const orderable = (spec: ViewSpecCase) => spec.measures.flatMap((m, i) => (m.kind === 'distinct' || m.kind === 'quantiles' ? [] : [`m${i}`]))

function pageCase(spec: ViewSpecCase): fc.Arbitrary<PageCase> {
  const w = WINDOW_MS[spec.window]
  const fields = ['windowStart', ...spec.keys.map((_, i) => `k${i}`), ...orderable(spec)]
  return fc
    .record({
      bucket: fc.constantFrom(...BUCKETS.filter((b) => b === '1mo' || WINDOW_MS[b as WindowSize] >= w)),
      from: fc.integer({ min: randomViews.T0 - w, max: randomViews.T0 + 6 * w }),
      span: fc.integer({ min: 1, max: 8 * w }),
      filter: spec.keys.length === 0 ? fc.constant(null) : fc.option(fc.record({ key: fc.nat(spec.keys.length - 1), picks: fc.array(fc.nat(), { maxLength: 3 }) })),
      order: fc.shuffledSubarray(fields).chain((chosen) => fc.tuple(...chosen.map((field) => fc.boolean().map((descending) => ({ field, descending }))))),
      after: fc.option(fc.nat()),
      limit: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ span, ...rest }) => ({ ...rest, to: rest.from + span }))
}

/** Null first, strings by their UTF-8 bytes (code point order), false before true, numbers numerically: the order the contract states. */
function compareValues(a: Scalar | null, b: Scalar | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1
  if (typeof a === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b as string, 'utf8'))
  const [x, y] = [Number(a), Number(b)]
  return x < y ? -1 : x > y ? 1 : 0
}

/** The sort values of a reference row: window start, key values, measures as `finalize` gives them. */
function valuesOf(view: ViewDef, row: PartialRow, terms: readonly SortTerm[]): (Scalar | null)[] {
  return terms.map(({ field }) => {
    if (field === 'windowStart') return row.windowStart
    const key = view.keys.findIndex((k) => k.name === field)
    if (key >= 0) return row.keys[key]!
    const measure = view.measures.find((m) => m.name === field)!
    return measure.measure.finalize(row.cells, measure.firstCell) as number | null
  })
}

const shown = (rows: readonly PartialRow[]) => rows.map((r) => ({ ...r, cells: r.cells.map((c) => (typeof c === 'number' ? randomViews.zero(c) : c)) }))

/**
 * The ordered reads of a batch version, as a vitest suite for one ClickHouse (call it at the top
 * level of a spec file): for random views and events, random selections (range, buckets up to
 * calendar months, key filters), random total orders of mixed directions over the window start,
 * the keys and the measures (avg and nullable ones included: null first; sketch measures order
 * nothing, but their cells merge into buckets in SQL), random cursors and page sizes, `readPage` gives the
 * page a reference computes from every row of the version (`readWindows`, merged into the buckets,
 * sorted by a comparator written for the test: strings by UTF-8 bytes), and `countRows` its row
 * count. On chdb and on the 18.16 server of the end-to-end suite: the SQL must run on both, and
 * order strings (multi-byte and astral ones among them) as JavaScript's code point order does.
 */
export function batchPageEquivalence(name: string, options: BatchSqlEquivalenceOptions): void {
  let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
  describe(`batch pages: readPage ≡ readWindows merged, sorted and cut (${name})`, () => {
    beforeAll(async () => {
      opened = await options.open()
    }, 120_000)
    afterAll(() => opened?.dispose())

    it(
      'orders, filters, merges and cuts as the reference, and counts its rows',
      async () => {
        const logger = createJsonLogger({ level: 'silent' })
        let run = 0
        await fc.assert(
          fc.asyncProperty(
            randomViews.viewCase.chain((c) => fc.record({ c: fc.constant(c), pages: fc.array(pageCase(c.spec), { minLength: 1, maxLength: 4 }) })),
            async ({ c: { spec, events: raw, cutoff }, pages }) => {
              const view = randomViews.declare(`pg${++run}`, spec)
              const decode = compileDecoder(view.stream)
              const events = raw.flatMap((e) => {
                const decoded = decode(Buffer.from(JSON.stringify(e)), Number.MAX_SAFE_INTEGER)
                return decoded.ok ? [decoded.event] : []
              })
              const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, logger)
              await engine.start(definePipeline({ streams: [view.stream], views: [view] }))
              await engine.ingest(
                view.stream.name,
                events.map((event, i) => ({ partition: 0, offset: i, event: event as unknown as Record<string, unknown> })),
              )
              await engine.buildVersion(view.name, 1, cutoff)
              const all = await engine.readWindows(view.name, 1, -Infinity, Infinity)
              for (const p of pages) {
                // Key filters hold values: a null key is in no filter.
                const keyValues = p.filter ? [...new Set(all.flatMap((r) => (r.keys[p.filter!.key] === null ? [] : [r.keys[p.filter!.key] as Scalar])))] : []
                const allowed = p.filter ? [...new Set(p.filter.picks.filter(() => keyValues.length > 0).map((i) => keyValues[i % keyValues.length]!))] : null
                const keys = p.filter ? { [view.keys[p.filter.key]!.name]: allowed! } : undefined
                const orderBy: SortTerm[] = [
                  ...p.order.map(({ field, descending }): SortTerm => ({ field, direction: descending ? 'DESC' : 'ASC' })),
                  ...['windowStart', ...view.keys.map((k) => k.name)].filter((f) => !p.order.some((o) => o.field === f)).map((field): SortTerm => ({ field, direction: 'ASC' })),
                ]
                const bucketOf = p.bucket === '1mo' ? monthStart : (t: number) => t - (t % windowMs(p.bucket as WindowSize))
                const selected = all.filter((r) => r.windowStart >= p.from && r.windowStart < p.to && (!p.filter || allowed!.includes(r.keys[p.filter.key] as Scalar)))
                const compare = (a: readonly (Scalar | null)[], b: readonly (Scalar | null)[]) => {
                  for (let i = 0; i < orderBy.length; i++) {
                    const c = compareValues(a[i]!, b[i]!)
                    if (c !== 0) return orderBy[i]!.direction === 'ASC' ? c : -c
                  }
                  return 0
                }
                const ranked = mergeRows(view, selected, bucketOf)
                  .map((row) => ({ row, values: valuesOf(view, row, orderBy) }))
                  .sort((a, b) => compare(a.values, b.values))
                const after = p.after === null || ranked.length === 0 ? null : ranked[p.after % ranked.length]!.values
                const expected = ranked.filter((r) => after === null || compare(r.values, after) > 0).slice(0, p.limit)
                const selection = { from: p.from, to: p.to, bucket: p.bucket, keys }
                const page = await engine.readPage(view.name, 1, { ...selection, orderBy, after, limit: p.limit })
                const context = JSON.stringify({ spec, p, orderBy, after })
                expect(shown(page), context).toEqual(shown(expected.map((r) => r.row)))
                expect(await engine.countRows(view.name, 1, selection), context).toBe(ranked.length)
              }
            },
          ),
          { numRuns: propertyRuns(30) },
        )
      },
      propertyTimeout(300_000),
    )

    it('orders NULL first ascending and last descending, after null cursor values, and merges sketches into buckets', async () => {
      const spec: ViewSpecCase = {
        derived: [],
        where: null,
        keys: [{ t: 'str', s: { t: 'field', name: 'u' } }],
        measures: [
          { kind: 'sum', arg: { t: 'field', name: 'p' } },
          { kind: 'distinct', x: { str: { t: 'field', name: 's' } }, precision: 8 },
          { kind: 'quantiles', arg: { t: 'field', name: 'n' }, qs: [0.5], relativeError: 0.01 },
        ],
        window: '1h',
        sample: null,
      }
      const view = randomViews.declare('pgnulls', spec)
      const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, createJsonLogger({ level: 'silent' }))
      await engine.start(definePipeline({ streams: [view.stream], views: [view] }))
      const T = randomViews.T0
      const base = { s: 'a', e: 'x', n: 1, m: 0, f: 0, g: 0, b: false, c: false, q: null, o: null, d: -2 }
      const events = [
        { ...base, u: 'b', p: 1, ts: T },
        { ...base, u: null, p: null, s: 'z', ts: T + 1 },
        { ...base, u: 'a', p: null, n: 5, ts: T + 2 },
        { ...base, u: 'a', p: null, s: 'q', n: -3, ts: T + 3_600_000 },
      ]
      await engine.ingest(
        view.stream.name,
        events.map((event, i) => ({ partition: 0, offset: i, event })),
      )
      await engine.buildVersion(view.name, 1, T + 7_200_000)
      const all = await engine.readWindows(view.name, 1, -Infinity, Infinity)
      const day = mergeRows(view, all, monthStart)
      const page = (orderBy: SortTerm[], after: (Scalar | null)[] | null, bucket?: BucketSize) =>
        engine.readPage(view.name, 1, { from: T, to: T + 7_200_000, bucket, orderBy, after, limit: 10 })
      const byKey = (direction: 'ASC' | 'DESC'): SortTerm[] => [
        { field: 'k0', direction },
        { field: 'windowStart', direction: 'ASC' },
      ]
      expect((await page(byKey('ASC'), null)).map((r) => r.keys[0])).toEqual([null, 'a', 'a', 'b'])
      expect((await page(byKey('DESC'), null)).map((r) => r.keys[0])).toEqual(['b', 'a', 'a', null])
      expect((await page(byKey('ASC'), [null, T])).map((r) => r.keys[0])).toEqual(['a', 'a', 'b'])
      expect((await page(byKey('DESC'), ['a', T])).map((r) => r.keys[0])).toEqual(['a', null])
      // sum(p) is null where every p is null: the groups of null and 'a' (a day: one bucket).
      const bySum: SortTerm[] = [
        { field: 'm0', direction: 'ASC' },
        { field: 'k0', direction: 'DESC' },
        { field: 'windowStart', direction: 'ASC' },
      ]
      const merged = await page(bySum, null, '1mo')
      expect(merged.map((r) => r.keys[0])).toEqual(['a', null, 'b'])
      expect(shown(merged)).toEqual(shown(['a', null, 'b'].map((k) => day.find((r) => r.keys[0] === k)!)))
      expect((await page(bySum, [null, 'a', monthStart(T)], '1mo')).map((r) => r.keys[0])).toEqual([null, 'b'])
      expect((await page(bySum, [null, null, monthStart(T)], '1mo')).map((r) => r.keys[0])).toEqual(['b'])
      expect(await engine.countRows(view.name, 1, { from: T, to: T + 7_200_000, bucket: '1d' })).toBe(3)
    })

    it('refuses to order by a sketch measure', async () => {
      const spec: ViewSpecCase = {
        derived: [],
        where: null,
        keys: [],
        measures: [{ kind: 'distinct', x: { str: { t: 'field', name: 's' } }, precision: 8 }],
        window: '1h',
        sample: null,
      }
      const view = randomViews.declare('pgsketch', spec)
      const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, createJsonLogger({ level: 'silent' }))
      await engine.start(definePipeline({ streams: [view.stream], views: [view] }))
      await engine.buildVersion(view.name, 1, randomViews.T0)
      const orderBy: SortTerm[] = [
        { field: 'm0', direction: 'ASC' },
        { field: 'windowStart', direction: 'ASC' },
      ]
      await expect(engine.readPage(view.name, 1, { from: randomViews.T0, to: randomViews.T0 + 3_600_000, orderBy, after: null, limit: 1 })).rejects.toMatchObject({
        kind: 'validation',
      })
    })

    it('orders strings by code point (UTF-8 bytes), as the serving layer does, in both directions and after a cursor', async () => {
      const spec: ViewSpecCase = { derived: [], where: null, keys: [{ t: 'str', s: { t: 'field', name: 's' } }], measures: [{ kind: 'count' }], window: '1h', sample: null }
      const view = randomViews.declare('pgstrings', spec)
      const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, createJsonLogger({ level: 'silent' }))
      await engine.start(definePipeline({ streams: [view.stream], views: [view] }))
      // Code point order; UTF-16 order would put the astral ones (surrogates, 0xD8xx) before U+E000..U+FFFF.
      const ordered = ['', 'Z', 'a', 'é', '\u2028', '\uD7FF', '\uE000', '\uFB01', '\uFFFD', '\u{10000}', '\u{1F600}', '\u{1F600}a', '\u{10FFFF}']
      const event = { e: 'x', n: 0, m: 0, f: 0, g: 0, b: false, c: false, u: null, p: null, q: null, o: null, d: -2, ts: randomViews.T0 }
      await engine.ingest(
        view.stream.name,
        [...ordered].reverse().map((s, i) => ({ partition: 0, offset: i, event: { ...event, s } })),
      )
      await engine.buildVersion(view.name, 1, randomViews.T0 + 3_600_000)
      const page = (direction: 'ASC' | 'DESC', after: Scalar[] | null) =>
        engine.readPage(view.name, 1, {
          from: randomViews.T0,
          to: randomViews.T0 + 3_600_000,
          orderBy: [
            { field: 'k0', direction },
            { field: 'windowStart', direction: 'ASC' },
          ],
          after,
          limit: 100,
        })
      expect((await page('ASC', null)).map((r) => r.keys[0])).toEqual(ordered)
      expect((await page('DESC', null)).map((r) => r.keys[0])).toEqual([...ordered].reverse())
      expect((await page('ASC', ['\uFFFD', randomViews.T0])).map((r) => r.keys[0])).toEqual(ordered.slice(ordered.indexOf('\uFFFD') + 1))
      expect((await page('DESC', ['\u{10000}', randomViews.T0])).map((r) => r.keys[0])).toEqual(ordered.slice(0, ordered.indexOf('\u{10000}')).reverse())
    })
  })
}
