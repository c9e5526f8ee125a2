import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { indexMerged, TwinflowError } from '@twinflow/core'
import { bucketOf } from './granularity.ts'
import { SeriesPlan } from './series-plan.ts'
import { salesView, snapshotOf, type Sale } from './test-view.ts'
import type { AnswerLimits } from './answer-limits.ts'
import type { OrderTerm, SeriesQuery } from './view-query.ts'

const H = 3_600_000
const limits: AnswerLimits = { maxRangeMs: 10 * 86_400_000, maxRows: 500, defaultRows: 50, maxScanRows: 10_000 }
const from = Date.UTC(2026, 0, 1)
const to = from + 2 * 86_400_000
const sale = fc.record({
  shop: fc.constantFrom('a', 'b', 'c'),
  web: fc.boolean(),
  cents: fc.integer({ min: 1, max: 5 }),
  ts: fc.integer({ min: from, max: to - 1 }),
})
const term = fc.record({ field: fc.constantFrom('windowStart', 'shop', 'web', 'n', 'cents', 'biggest', 'avgCents'), direction: fc.constantFrom('ASC' as const, 'DESC' as const) })
const orderBy = fc.uniqueArray(term, { selector: (t) => t.field, maxLength: 3 })

function answer(events: Sale[], query: Partial<SeriesQuery>) {
  const q: SeriesQuery = { view: 'sales', from, to, ...query }
  return new SeriesPlan(salesView, q, limits).answer(snapshotOf(events, q.from, q.to))
}

describe('SeriesPlan', () => {
  it('merges one group per bucket and keys, with the measures of the events in it', () => {
    const events: Sale[] = [
      { shop: 'a', web: true, cents: 100, ts: from + 10 },
      { shop: 'a', web: true, cents: 300, ts: from + H - 1 },
      { shop: 'a', web: true, cents: 50, ts: from + H },
      { shop: 'b', web: false, cents: 7, ts: from + 5 * H },
    ]
    expect(answer(events, { granularity: '1d' }).rows).toEqual([
      { windowStart: from, shop: 'a', web: true, n: 3, cents: 450, biggest: 300, avgCents: 150 },
      { windowStart: from, shop: 'b', web: false, n: 1, cents: 7, biggest: 7, avgCents: 7 },
    ])
    expect(answer(events, { keyFilter: { shop: ['a'] } }).rows.map((r) => [r.windowStart, r.n])).toEqual([
      [from, 2],
      [from + H, 1],
    ])
  })

  it('pages follow the order exactly: the pages of any size, concatenated, are the whole answer (property)', () =>
    fc.assert(
      fc.property(
        fc.array(sale, { maxLength: 120 }),
        orderBy,
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('1h' as const, '1d' as const),
        (events, terms: OrderTerm[], size, granularity) => {
          const whole = answer(events, { granularity, orderBy: terms, limit: 500 })
          expect(whole.pageInfo.hasNextPage).toBe(false)
          const pages = []
          let after: string | null = null
          for (let i = 0; i <= whole.rows.length; i++) {
            const page = answer(events, { granularity, orderBy: terms, limit: size, after })
            expect(page.totalCount).toBe(whole.rows.length)
            pages.push(...page.rows)
            after = page.pageInfo.endCursor
            if (!page.pageInfo.hasNextPage) break
          }
          expect(pages).toEqual(whole.rows)
          // and the whole answer is sorted by the terms
          for (let i = 1; i < whole.rows.length; i++) {
            const [a, b] = [whole.rows[i - 1]!, whole.rows[i]!]
            const first = terms.find((t) => a[t.field] !== b[t.field])
            if (first) expect(a[first.field]! < b[first.field]! === (first.direction === 'ASC'), JSON.stringify({ a, b, first })).toBe(true)
          }
        },
      ),
      { numRuns: 60 },
    ))

  it('a snapshot whose batch rows come merged into the buckets and indexed gives the answer of the flat rows (property)', () =>
    fc.assert(
      fc.property(
        fc.array(sale, { maxLength: 120 }),
        fc.integer({ min: from, max: to }),
        orderBy,
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('1h' as const, '1d' as const),
        fc.constantFrom(undefined, { shop: ['a', 'c'] }),
        (events, cutoff, terms: OrderTerm[], size, granularity, keyFilter) => {
          const query: SeriesQuery = { view: 'sales', from, to, granularity, orderBy: terms, limit: size, keyFilter }
          const flat = snapshotOf(events, from, to)
          const batch = flat.rows.filter((r) => r.windowStart < cutoff)
          const split = { ...flat, merged: indexMerged(salesView, batch, bucketOf(granularity)), rows: flat.rows.filter((r) => r.windowStart >= cutoff) }
          expect(new SeriesPlan(salesView, query, limits).answer(split)).toEqual(new SeriesPlan(salesView, query, limits).answer(flat))
        },
      ),
      { numRuns: 60 },
    ))

  it('a cursor keeps its place when rows are added before it (keyset, not offset)', () => {
    const events: Sale[] = [0, 1, 2, 3].map((h) => ({ shop: 'a', web: true, cents: 1, ts: from + h * H }))
    const first = answer(events, { limit: 2 })
    const later = answer([{ shop: 'a', web: true, cents: 1, ts: from + 30 * 60_000 }, ...events], { limit: 2, after: first.pageInfo.endCursor })
    expect(later.rows.map((r) => r.windowStart)).toEqual([from + 2 * H, from + 3 * H])
  })

  it('refuses bad arguments before reading, with messages that say what is wrong', () => {
    const plan = (query: Partial<SeriesQuery>) => () => new SeriesPlan(salesView, { view: 'sales', from, to, ...query }, limits)
    expect(plan({ orderBy: [{ field: 'price', direction: 'ASC' }] })).toThrow(
      'cannot order view "sales" by "price"; order by one of windowStart, shop, web, n, cents, biggest, avgCents',
    )
    expect(
      plan({
        orderBy: [
          { field: 'n', direction: 'ASC' },
          { field: 'n', direction: 'DESC' },
        ],
      }),
    ).toThrow('orderBy names "n" twice')
    expect(plan({ keyFilter: { channel: ['web'] } })).toThrow('view "sales" has no key "channel"; its keys: shop, web')
    expect(plan({ keyFilter: { web: ['yes'] } })).toThrow('key "web" of view "sales" is a bool; got "yes"')
    expect(plan({ limit: 501 })).toThrow('limit must be an integer from 1 to 500, got 501')
    expect(plan({ to: from + 11 * 86_400_000 })).toThrow('the time range spans 11.00 days; the limit is 10 days per query')
    expect(plan({ after: 'garbage' })).toThrow('after is not a cursor returned by this API')
    expect(plan({ after: answer([{ shop: 'a', web: true, cents: 1, ts: from }], { limit: 1, granularity: '1d' }).pageInfo.endCursor })).toThrow(
      'after is a cursor of another query',
    )
    expect(plan({ granularity: '5m' })).toThrow(TwinflowError)
  })

  it('refuses a cursor whose values do not fit the types of its sort terms, or a window start off the buckets', () => {
    const events: Sale[] = [0, 1, 2].map((h) => ({ shop: 'a', web: true, cents: 3, ts: from + h * H }))
    const query: Partial<SeriesQuery> = { orderBy: [{ field: 'avgCents', direction: 'DESC' }], limit: 1 }
    const { endCursor } = answer(events, query).pageInfo
    const cursor = JSON.parse(Buffer.from(endCursor!, 'base64url').toString('utf8'))
    // The sort values: avgCents (a float), then windowStart, shop (a string) and web (a bool).
    expect(cursor.v).toEqual([3, from, 'a', true])
    const forged = (v: unknown[]) => Buffer.from(JSON.stringify({ ...cursor, v })).toString('base64url')
    expect(answer(events, { ...query, after: forged([3, from, 'a', true]) }).rows.map((r) => r.windowStart)).toEqual([from + H])
    expect(answer(events, { ...query, after: forged([3.5, from, 'a', true]) }).rows.map((r) => r.windowStart)).toEqual([from])
    for (const v of [
      ['3', from, 'a', true],
      [3, String(from), 'a', true],
      [3, from + 0.5, 'a', true],
      [3, from + 1, 'a', true],
      [3, from, 7, true],
      [3, from, 'a', 'yes'],
      [3, from, 'a', 1],
      [true, from, 'a', true],
      [3, from + 2 ** 60 * H, 'a', true],
    ]) {
      expect(() => answer(events, { ...query, after: forged(v) }), JSON.stringify(v)).toThrow('after is not a cursor returned by this API')
    }
    // At a coarser granularity the window starts are the days'.
    const daily = answer(events, { ...query, granularity: '1d' }).pageInfo.endCursor!
    const day = JSON.parse(Buffer.from(daily, 'base64url').toString('utf8'))
    expect(() => answer(events, { ...query, granularity: '1d', after: Buffer.from(JSON.stringify({ ...day, v: [9, from + H, 'a', true] })).toString('base64url') })).toThrow(
      'after is not a cursor returned by this API',
    )
  })

  it('refuses to merge more partial rows than the scan limit', () => {
    const events: Sale[] = Array.from({ length: 11 }, (_, i) => ({ shop: 'a', web: true, cents: 1, ts: from + i }))
    const plan = new SeriesPlan(salesView, { view: 'sales', from, to }, { ...limits, maxScanRows: 10 })
    expect(() => plan.answer(snapshotOf(events, from, to))).toThrow('this query reads 11 partial rows of view "sales"; the limit is 10')
  })
})
