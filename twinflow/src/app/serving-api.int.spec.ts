import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { currentRequestScope, SERVING_TOKENS } from '@twinflow/serving-layer'
import { referenceAggregate, referenceSpecs, type Order, type RefRow, type RefSpec } from '@twinflow/example-online-store'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import { cutoffOf, DAY, HOUR, POISON, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

const iso = (t: number) => new Date(t).toISOString()
const FROM = T - 45 * DAY
const TO = T + DAY
const DAY_START = Date.UTC(2026, 10, 23)
const ROW = 'windowStart shop orders revenueCents biggestOrderCents smallestOrderCents avgOrderCents'
const SERIES = `query($from: DateTime!, $to: DateTime!, $g: Granularity, $where: ShopRevenueFilter, $orderBy: [ShopRevenueOrder!], $limit: Int, $after: String) {
  shopRevenue(from: $from, to: $to, granularity: $g, where: $where, orderBy: $orderBy, limit: $limit, after: $after) {
    cutoff version granularity totalCount pageInfo { hasNextPage endCursor } rows { ${ROW} }
  }
}`
const shopRevenueSpec = referenceSpecs.shopRevenue as RefSpec<Order>

/** The reference at calendar months: each event's time mapped to its month start. */
const monthly = (spec: RefSpec<Order>): RefSpec<Order> => ({
  ...spec,
  time: (o) => Date.UTC(new Date(o.ts).getUTCFullYear(), new Date(o.ts).getUTCMonth(), 1),
  windowMs: 1,
})

/** Totals per shop over a range, ranked by a measure, ties by shop (the reference of the top-N form). */
function referenceTop(orders: readonly Order[], from: number, to: number, by: string, n: number, direction: 1 | -1 = -1): RefRow[] {
  const inRange = orders.filter((o) => o.ts >= from && o.ts < to)
  const totals = referenceAggregate(inRange, { ...shopRevenueSpec, time: () => 0, windowMs: 1 }).map(({ windowStart: _, ...row }) => row)
  return totals.sort((a, b) => direction * (Number(a[by]) - Number(b[by])) || (a.shop! < b.shop! ? -1 : 1)).slice(0, n)
}

describe('GraphQL serving API over HTTP (graphql-request, graphql-sse; embedded runtimes)', () => {
  let fixture: OnlineStoreFixture
  let client: TestGraphQLClient

  beforeAll(async () => {
    fixture = await startOnlineStore({ serving: { port: 0, graphiql: false, subscriptions: { pollIntervalMs: 50 }, accessLog: false, limits: { maxSubscriptions: 1 } } })
    client = new TestGraphQLClient(fixture.twinflow.url!)
  })
  afterAll(async () => {
    await fixture?.twinflow.stop()
  })

  const series = async (variables: Record<string, unknown>) => {
    const res = await client.query(SERIES, { from: iso(FROM), to: iso(TO), limit: 10_000, ...variables })
    expect(res.errors).toBeUndefined()
    return res.data!.shopRevenue
  }

  it('a time series equals the reference at the view window, per day and per calendar month', async () => {
    const hourly = await series({ g: 'HOUR' })
    expect(hourly.rows).toEqual(referenceAggregate(fixture.orders, shopRevenueSpec))
    expect(hourly).toMatchObject({ cutoff: iso(cutoffOf(HOUR)), version: 1, granularity: 'HOUR', pageInfo: { hasNextPage: false } })
    expect(hourly.totalCount).toBe(hourly.rows.length)
    expect((await series({ g: 'DAY' })).rows).toEqual(referenceAggregate(fixture.orders, shopRevenueSpec, DAY))
    const months = await series({ g: 'MONTH' })
    expect(months.rows).toEqual(referenceAggregate(fixture.orders, monthly(shopRevenueSpec)))
    expect(new Set(months.rows.map((r: RefRow) => r.windowStart))).toEqual(new Set([iso(Date.UTC(2026, 9, 1)), iso(Date.UTC(2026, 10, 1))]))
  })

  it('generates typed GraphQL types from the view declaration', async () => {
    const res = await client.query(`{
      row: __type(name: "OrderMixRow") { fields { name type { kind ofType { name } } } }
      order: __type(name: "OrderMixField") { enumValues { name } }
      filter: __type(name: "OrderMixFilter") { inputFields { name type { kind name ofType { kind ofType { name } } } } }
    }`)
    const type = (t: any): string => (t.kind === 'NON_NULL' ? `${type(t.ofType)}!` : t.kind === 'LIST' ? `[${type(t.ofType)}]` : t.name)
    // maxUnitPrice is nullable: a unit price is null where items is 0 (x / 0 is null), and max() of only nulls is null.
    expect(res.data!.row.fields.map((f: any) => (f.type.kind === 'NON_NULL' ? `${f.name}: ${f.type.ofType.name}!` : `${f.name}: nullable`))).toEqual([
      'windowStart: DateTime!',
      'shop: String!',
      'status: String!',
      'large: Boolean!',
      'orders: Float!',
      'items: Float!',
      'maxUnitPrice: nullable',
    ])
    expect(res.data!.order.enumValues.map((v: any) => v.name)).toEqual(['WINDOW_START', 'SHOP', 'STATUS', 'LARGE', 'ORDERS', 'ITEMS', 'MAX_UNIT_PRICE'])
    expect(res.data!.filter.inputFields.map((f: any) => `${f.name}: ${type(f.type)}`)).toEqual([
      'shop: String',
      'shopIn: [String!]',
      'status: String',
      'statusIn: [String!]',
      'large: Boolean',
      'largeIn: [Boolean!]',
    ])
  })

  it('filters on keys: equals, in, and both together', async () => {
    const only = (shops: string[]) =>
      referenceAggregate(
        fixture.orders.filter((o) => shops.includes(o.shopId)),
        shopRevenueSpec,
        DAY,
      )
    expect((await series({ g: 'DAY', where: { shop: 'shop-1' } })).rows).toEqual(only(['shop-1']))
    expect((await series({ g: 'DAY', where: { shopIn: ['shop-0', 'shop-3'] } })).rows).toEqual(only(['shop-0', 'shop-3']))
    expect((await series({ g: 'DAY', where: { shop: 'shop-3', shopIn: ['shop-0', 'shop-3'] } })).rows).toEqual(only(['shop-3']))
    expect((await series({ g: 'DAY', where: { shop: 'shop-2', shopIn: ['shop-0'] } })).rows).toEqual([])
    const mix = await client.query(
      `{ orderMix(from: "${iso(FROM)}", to: "${iso(TO)}", granularity: DAY, where: { status: "paid", large: true }, limit: 10000) { rows { windowStart shop status large orders items maxUnitPrice } } }`,
    )
    const paidLarge = fixture.orders.filter((o) => o.status === 'paid' && o.amountCents >= 10_000)
    expect(mix.data!.orderMix.rows).toEqual(referenceAggregate(paidLarge, referenceSpecs.orderMix as RefSpec<Order>, DAY))
  })

  it('orders by any measure or key; ties are broken by window start, then keys', async () => {
    const truth = referenceAggregate(fixture.orders, shopRevenueSpec, DAY)
    const byRevenue = await series({ g: 'DAY', orderBy: [{ field: 'REVENUE_CENTS', direction: 'DESC' }] })
    expect(byRevenue.rows).toEqual([...truth].sort((a, b) => Number(b.revenueCents) - Number(a.revenueCents) || (a.windowStart! < b.windowStart! ? -1 : 1)))
    const byShop = await series({
      g: 'DAY',
      orderBy: [
        { field: 'SHOP', direction: 'DESC' },
        { field: 'WINDOW_START', direction: 'DESC' },
      ],
    })
    expect(byShop.rows).toEqual([...truth].sort((a, b) => (a.shop! > b.shop! ? -1 : a.shop! < b.shop! ? 1 : a.windowStart! > b.windowStart! ? -1 : 1)))
    const byAvg = await series({ g: 'MONTH', orderBy: [{ field: 'AVG_ORDER_CENTS' }] })
    expect(byAvg.rows.map((r: RefRow) => r.avgOrderCents)).toEqual(byAvg.rows.map((r: RefRow) => r.avgOrderCents).sort((a: number, b: number) => a - b))
  })

  it('pages through the whole answer with cursors, and refuses a cursor of another query', async () => {
    const orderBy = [{ field: 'ORDERS', direction: 'DESC' }]
    const whole = await series({ g: 'DAY', orderBy })
    const pages: RefRow[] = []
    let after: string | null = null
    for (let page = 0; page < 100; page++) {
      const res: any = await series({ g: 'DAY', orderBy, limit: 7, after })
      expect(res.totalCount).toBe(whole.rows.length)
      pages.push(...res.rows)
      after = res.pageInfo.endCursor
      if (!res.pageInfo.hasNextPage) break
      expect(res.rows).toHaveLength(7)
    }
    expect(pages).toEqual(whole.rows)
    const first = await series({ g: 'DAY', orderBy, limit: 3 })
    const other = await client.query(SERIES, { from: iso(FROM), to: iso(TO), g: 'HOUR', orderBy, limit: 3, after: first.pageInfo.endCursor })
    expect(other.errors?.[0]).toMatchObject({ message: expect.stringContaining('cursor of another query'), extensions: { code: 'BAD_USER_INPUT' } })
  })

  it('pages of any order and granularity, concatenated, are the whole answer; totalCount on every page, counted when asked', async () => {
    const orders = [
      [],
      [{ field: 'WINDOW_START', direction: 'DESC' }],
      [{ field: 'SHOP', direction: 'DESC' }],
      [
        { field: 'AVG_ORDER_CENTS', direction: 'ASC' },
        { field: 'WINDOW_START', direction: 'DESC' },
      ],
    ]
    for (const g of ['HOUR', 'DAY', 'MONTH']) {
      for (const orderBy of orders) {
        const whole = await series({ g, orderBy })
        const size = g === 'HOUR' ? 700 : 9
        const pages: RefRow[] = []
        let after: string | null = null
        for (let page = 0; page < 100; page++) {
          const res: any = await series({ g, orderBy, limit: size, after })
          expect(res.totalCount, JSON.stringify({ g, orderBy, page })).toBe(whole.rows.length)
          pages.push(...res.rows)
          after = res.pageInfo.endCursor
          if (!res.pageInfo.hasNextPage) break
          expect(res.rows).toHaveLength(size)
        }
        expect(pages, JSON.stringify({ g, orderBy })).toEqual(whole.rows)
      }
    }
    // A page that does not select totalCount is not counted, and is the same page.
    const uncounted = await client.query(
      `query($from: DateTime!, $to: DateTime!) { shopRevenue(from: $from, to: $to, granularity: DAY, limit: 5) { pageInfo { hasNextPage endCursor } rows { ${ROW} } } }`,
      { from: iso(FROM), to: iso(TO) },
    )
    expect(uncounted.errors).toBeUndefined()
    const counted = await series({ g: 'DAY', limit: 5 })
    expect(uncounted.data!.shopRevenue).toEqual({ pageInfo: counted.pageInfo, rows: counted.rows })
  })

  it('refuses a cursor whose values were tampered with (BAD_USER_INPUT), and answers the untouched one', async () => {
    const orderBy = [{ field: 'ORDERS', direction: 'DESC' }]
    const first = await series({ g: 'DAY', orderBy, limit: 3 })
    const cursor = JSON.parse(Buffer.from(first.pageInfo.endCursor, 'base64url').toString('utf8'))
    // The sort values: orders, then windowStart and shop (the tie-breakers).
    expect(cursor.v).toEqual([first.rows[2].orders, Date.parse(first.rows[2].windowStart), first.rows[2].shop])
    const forged = (v: unknown[]) => Buffer.from(JSON.stringify({ ...cursor, v })).toString('base64url')
    const [orders, windowStart, shop] = cursor.v
    for (const v of [
      [orders, windowStart, 42],
      [orders, windowStart, true],
      [String(orders), windowStart, shop],
      [orders, new Date(windowStart).toISOString(), shop],
      [orders, windowStart + 1, shop],
      [orders + 0.5, windowStart, shop],
    ]) {
      const res = await client.query(SERIES, { from: iso(FROM), to: iso(TO), g: 'DAY', orderBy, limit: 3, after: forged(v) })
      expect(res.status, JSON.stringify(v)).toBeLessThan(500)
      expect(res.data ?? null, JSON.stringify(v)).toBeNull()
      expect(res.errors?.[0], JSON.stringify(v)).toMatchObject({
        message: expect.stringContaining('after is not a cursor returned by this API'),
        extensions: { code: 'BAD_USER_INPUT' },
      })
    }
    expect((await series({ g: 'DAY', orderBy, limit: 3, after: forged(cursor.v) })).rows).toHaveLength(3)
  })

  it('top-N: the groups with the highest (or lowest) value of a measure, totalled over the range', async () => {
    const top = await client.query(
      `query($from: DateTime!, $to: DateTime!) {
      best: shopRevenueTop(from: $from, to: $to, by: REVENUE_CENTS, limit: 3) { from to by direction cutoff version rows { shop orders revenueCents avgOrderCents } }
      fewest: shopRevenueTop(from: $from, to: $to, by: ORDERS, direction: ASC, limit: 2, where: { shopIn: ["shop-0", "shop-1", "shop-4"] }) { rows { shop orders } }
    }`,
      { from: iso(DAY_START), to: iso(DAY_START + DAY) },
    )
    expect(top.errors).toBeUndefined()
    const best = referenceTop(fixture.orders, DAY_START, DAY_START + DAY, 'revenueCents', 3)
    expect(top.data!.best).toMatchObject({ from: iso(DAY_START), by: 'REVENUE_CENTS', direction: 'DESC', version: 1 })
    expect(top.data!.best.rows).toEqual(best.map(({ shop, orders, revenueCents, avgOrderCents }) => ({ shop, orders, revenueCents, avgOrderCents })))
    const chosen = fixture.orders.filter((o) => ['shop-0', 'shop-1', 'shop-4'].includes(o.shopId))
    const fewest = referenceTop(chosen, DAY_START, DAY_START + DAY, 'orders', 2, 1)
    expect(top.data!.fewest.rows).toEqual(fewest.map(({ shop, orders }) => ({ shop, orders })))
  })

  it('split: a measure per bucket for the top groups and the others merged, as the series and top-N say', async () => {
    const res = await client.query(
      `query($from: DateTime!, $to: DateTime!) {
      shopRevenueSplit(from: $from, to: $to, measure: REVENUE_CENTS, splitBy: [SHOP], top: 3) {
        windows granularity measure splitBy groupCount cutoff version series { keys { shop } other total values }
      }
      avg: shopRevenueSplit(from: $from, to: $to, granularity: DAY, measure: AVG_ORDER_CENTS, splitBy: [], top: 1) { series { other total values } }
    }`,
      { from: iso(DAY_START), to: iso(DAY_START + DAY) },
    )
    expect(res.errors).toBeUndefined()
    const split = res.data!.shopRevenueSplit
    const inDay = fixture.orders.filter((o) => o.ts >= DAY_START && o.ts < DAY_START + DAY)
    const hourly = referenceAggregate(inDay, shopRevenueSpec)
    const best = referenceTop(fixture.orders, DAY_START, DAY_START + DAY, 'revenueCents', 3).map((r) => r.shop)
    const windows = [...new Set(hourly.map((r) => r.windowStart as string))].sort()
    const valuesOf = (shops: (shop: unknown) => boolean) =>
      windows.map((w) => {
        const rows = hourly.filter((r) => r.windowStart === w && shops(r.shop))
        return rows.length === 0 ? null : rows.reduce((n, r) => n + Number(r.revenueCents), 0)
      })
    expect(split).toMatchObject({ windows, granularity: 'HOUR', measure: 'REVENUE_CENTS', splitBy: ['shop'], cutoff: iso(cutoffOf(HOUR)), version: 1 })
    expect(split.groupCount).toBe(new Set(hourly.map((r) => r.shop)).size)
    expect(split.series.map((s: any) => [s.keys.shop, s.other])).toEqual([...best.map((shop) => [shop, false]), [null, true]])
    for (const [i, shop] of best.entries()) expect(split.series[i].values).toEqual(valuesOf((s) => s === shop))
    expect(split.series[3].values).toEqual(valuesOf((s) => !best.includes(s as string)))
    const day = referenceAggregate(inDay, { ...shopRevenueSpec, time: () => 0, windowMs: 1, keys: () => ({}) })
    expect(res.data!.avg.series).toEqual([{ other: false, total: day[0]!.avgOrderCents, values: [day[0]!.avgOrderCents] }])
  })

  it('every result carries its freshness: batch cutoff and version, newest event time and lag of the speed layer', async () => {
    const fields = 'cutoff batchVersion batchPublishedAt newestEventTime realtimeLagMs pendingEvents answeredAt'
    const res = await client.query(`{
      shopRevenue(from: "${iso(DAY_START)}", to: "${iso(DAY_START + DAY)}") { freshness { ${fields} } }
      shopRevenueTop(from: "${iso(DAY_START)}", to: "${iso(DAY_START + DAY)}", by: ORDERS) { freshness { ${fields} } }
      orderMix(from: "${iso(DAY_START)}", to: "${iso(DAY_START + DAY)}") { freshness { cutoff batchVersion } }
      pipeline { view(name: "shopTraffic") { freshness { ${fields} } } }
    }`)
    expect(res.errors).toBeUndefined()
    const freshness = res.data!.shopRevenue.freshness
    expect(res.data!.shopRevenueTop.freshness).toEqual(freshness)
    expect(freshness).toMatchObject({ cutoff: iso(cutoffOf(HOUR)), batchVersion: 1, batchPublishedAt: iso(T), pendingEvents: 0, answeredAt: iso(T) })
    const newest = Date.parse(freshness.newestEventTime)
    expect(newest).toBeGreaterThanOrEqual(cutoffOf(HOUR))
    expect(newest).toBeLessThanOrEqual(Math.max(...fixture.orders.map((o) => o.ts)))
    expect(freshness.realtimeLagMs).toBe(Math.max(0, T - newest))
    expect(res.data!.orderMix.freshness).toEqual({ cutoff: iso(cutoffOf(15 * 60_000)), batchVersion: 1 })
    expect(res.data!.pipeline.view.freshness).toMatchObject({ cutoff: iso(cutoffOf(HOUR)), batchVersion: 1, pendingEvents: 0 })
  })

  it('bad arguments get precise GraphQL errors, never a 500', async () => {
    const r = `from: "${iso(T - DAY)}", to: "${iso(T)}"`
    const cases: [string, RegExp][] = [
      [`shopRevenue(from: "${iso(T)}", to: "${iso(T - HOUR)}") { totalCount }`, /the time range is reversed: from 2026-11-23T12:30:00.000Z is after to 2026-11-23T11:30:00.000Z/],
      [`shopRevenue(from: "${iso(T)}", to: "${iso(T)}") { totalCount }`, /the time range is empty/],
      [`shopRevenue(from: "${iso(T - 400 * DAY)}", to: "${iso(T)}") { totalCount }`, /spans 400.00 days; the limit is 366 days/],
      [`shopRevenue(${r}, granularity: MINUTE) { totalCount }`, /granularity MINUTE is finer than the window of view "shopRevenue" \(1h\); use one of HOUR, DAY, MONTH/],
      [`orderMix(${r}, granularity: FIVE_MINUTES) { totalCount }`, /use one of FIFTEEN_MINUTES, HOUR, DAY, MONTH/],
      [`shopRevenue(${r}, limit: 0) { totalCount }`, /limit must be an integer from 1 to 10000, got 0/],
      [`shopRevenue(${r}, limit: 10001) { totalCount }`, /limit must be an integer from 1 to 10000, got 10001/],
      [`shopRevenue(${r}, after: "bm90IGEgY3Vyc29y") { totalCount }`, /after is not a cursor returned by this API/],
      [`shopRevenueTop(${r}, by: ORDERS, limit: -1) { by }`, /limit must be an integer from 1 to 10000, got -1/],
      [`shopRevenue(from: "yesterday", to: "${iso(T)}") { totalCount }`, /DateTime must be an ISO-8601 time with a zone/],
      [`shopRevenue(${r}, where: { nope: "x" }) { totalCount }`, /Field "nope" is not defined by type "ShopRevenueFilter"/],
      [`shopRevenue(${r}, orderBy: [{ field: PRICE }]) { totalCount }`, /Value "PRICE" does not exist in "ShopRevenueField" enum/],
      [`shopRevenue(${r}, where: { shop: 7 }) { totalCount }`, /String cannot represent a non string value: 7/],
      [`shopRevenueTop(${r}, by: SHOP) { by }`, /Value "SHOP" does not exist in "ShopRevenueMeasure" enum/],
      [`pipeline { view(name: "nope") { name } }`, /unknown view "nope"; known: shopRevenue, orderMix, shopTraffic/],
    ]
    for (const [selection, message] of cases) {
      const res = await client.query(`{ ${selection} }`)
      expect(res.status, selection).toBeLessThan(500)
      expect(res.errors?.[0]?.message, selection).toMatch(message)
      expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED'], selection).toContain(res.errors?.[0]?.extensions?.code)
      expect(res.errors?.[0]?.extensions?.requestId, selection).toBe(res.headers.get('x-request-id'))
    }
  })

  it('introspects the pipeline: views, batch versions, run history with errors, dead letters per stream', async () => {
    const engine = fixture.twinflow.get(TOKENS.BatchEngine)
    await engine.recordRun({
      runId: 'r-failed',
      view: 'shopTraffic',
      attempt: 3,
      status: 'failed',
      startedAt: T - 60_000,
      finishedAt: T - 30_000,
      cutoff: cutoffOf(HOUR),
      version: 9,
      rows: 0,
      error: 'the archiver has not archived what topic held',
    })
    const res = await client.query(`{ pipeline {
      views { name stream window granularities allowedLatenessMs keys { name type } measures { name kind type }
              batch { current { version cutoff publishedAt } versions { version } } runs(limit: 5) { view status rows durationMs } }
      streams { name topic timeField views deadLetterCount deadLetters { stage count } fields { name type } }
      batchRuns(status: FAILED, limit: 5) { runId view attempt status durationMs version error }
      deadLetters { stream stage count }
    } }`)
    expect(res.errors).toBeUndefined()
    const { views, streams, batchRuns, deadLetters } = res.data!.pipeline
    expect(views.map((v: any) => [v.name, v.stream, v.window])).toEqual([
      ['shopRevenue', 'orders', 'HOUR'],
      ['orderMix', 'orders', 'FIFTEEN_MINUTES'],
      ['shopTraffic', 'pageViews', 'HOUR'],
    ])
    expect(views[1]).toMatchObject({
      granularities: ['FIFTEEN_MINUTES', 'HOUR', 'DAY', 'MONTH'],
      allowedLatenessMs: 300_000,
      keys: [
        { name: 'shop', type: 'STRING' },
        { name: 'status', type: 'STRING' },
        { name: 'large', type: 'BOOLEAN' },
      ],
      measures: [
        { name: 'orders', kind: 'COUNT', type: 'INT' },
        { name: 'items', kind: 'SUM', type: 'INT' },
        { name: 'maxUnitPrice', kind: 'MAX', type: 'FLOAT' },
      ],
      batch: { current: { version: 1, cutoff: iso(cutoffOf(15 * 60_000)), publishedAt: iso(T) }, versions: [{ version: 1 }] },
    })
    expect(views[0].runs[0]).toMatchObject({ view: 'shopRevenue', status: 'SUCCEEDED', durationMs: 0 })
    expect(views[0].runs[0].rows).toBeGreaterThan(0)
    expect(batchRuns).toEqual([
      { runId: 'r-failed', view: 'shopTraffic', attempt: 3, status: 'FAILED', durationMs: 30_000, version: 9, error: 'the archiver has not archived what topic held' },
    ])
    // Each rejected input once: the archiver dead-letters what the stream rejects (the speed layer skips it).
    expect(deadLetters).toEqual([{ stream: 'orders', stage: 'archiver', count: 3 }])
    expect(streams.find((s: any) => s.name === 'orders')).toMatchObject({ topic: 'twinflow.orders', timeField: 'ts', views: ['shopRevenue', 'orderMix'], deadLetterCount: 3 })
    expect(streams.find((s: any) => s.name === 'pageViews')).toMatchObject({ deadLetterCount: 0, deadLetters: [] })
  })

  it("lists a stream's rejected inputs, newest first, with reasons and positions, filtered and paged", async () => {
    const REJECTED = `query($stream: String!, $stage: String, $reason: String, $limit: Int, $after: String) {
      pipeline { rejectedInputs(stream: $stream, stage: $stage, reason: $reason, limit: $limit, after: $after) {
        items { stream stage reason payload payloadBytes truncated topic offset at } pageInfo { hasNextPage endCursor } } } }`
    const page = async (variables: Record<string, unknown>) => {
      const res = await client.query(REJECTED, variables)
      expect(res.errors).toBeUndefined()
      return res.data!.pipeline.rejectedInputs
    }
    const all = await page({ stream: 'orders' })
    // The archiver's letters of the poison the fixture produced (the speed layer skips what the stream rejects).
    expect(all.items.map((i: any) => [i.stage, i.reason.split(':')[0], i.payload])).toEqual(
      [...POISON].reverse().map((p) => ['archiver', p.startsWith('{"orderId": ') ? 'invalid-json' : 'schema', p]),
    )
    expect(all.items.every((i: any) => i.stream === 'orders' && i.topic === 'twinflow.orders' && typeof i.offset === 'number' && !i.truncated && i.payloadBytes > 0)).toBe(true)
    expect(all.pageInfo).toEqual({ hasNextPage: false, endCursor: null })
    expect((await page({ stream: 'orders', reason: 'invalid-json' })).items).toHaveLength(1)
    expect((await page({ stream: 'orders', stage: 'speed' })).items).toEqual([])
    const first = await page({ stream: 'orders', limit: 2 })
    const second = await page({ stream: 'orders', limit: 2, after: first.pageInfo.endCursor })
    expect([...first.items, ...second.items]).toEqual(all.items)
    expect(second.pageInfo.hasNextPage).toBe(false)
    const unknown = await client.query(REJECTED, { stream: 'payments' })
    expect(unknown.errors?.[0]).toMatchObject({ message: 'unknown stream "payments"; streams: orders, pageViews', extensions: { code: 'BAD_USER_INPUT' } })
  })

  it("streams: the speed layer's lag per partition, the rate of appends and the newest dead letters with their reasons", async () => {
    const query = `{ pipeline { streams { name rate pendingEvents partitions { partition endOffset appliedOffset pending } recentDeadLetters(limit: 4) { stage reason partition offset payload at } } } }`
    const first = await client.query(query)
    expect(first.errors).toBeUndefined()
    const orders = first.data!.pipeline.streams.find((s: any) => s.name === 'orders')
    const log = fixture.twinflow.get(TOKENS.EventLog)
    const ends = await log.endOffsets('twinflow.orders')
    expect(orders.partitions).toEqual(
      [...ends].sort(([a], [b]) => a - b).map(([partition, end]) => ({ partition, endOffset: end, appliedOffset: end > 0 ? end - 1 : null, pending: 0 })),
    )
    expect(orders.pendingEvents).toBe(0)
    expect(orders.rate).toBeNull()
    // Three poison messages, each the archiver's letter (the speed layer skips what the stream rejects).
    expect(orders.recentDeadLetters).toHaveLength(3)
    expect(new Set(orders.recentDeadLetters.map((l: any) => l.stage))).toEqual(new Set(['archiver']))
    expect(orders.recentDeadLetters.map((l: any) => l.payload)).toContain('"just a string"')
    for (const letter of orders.recentDeadLetters) expect(letter.reason.length).toBeGreaterThan(0)
    expect(first.data!.pipeline.streams.find((s: any) => s.name === 'pageViews').recentDeadLetters).toEqual([])
    const bad = await client.query('{ pipeline { streams { recentDeadLetters(limit: 0) { reason } } } }')
    expect(bad.errors?.[0]?.message).toMatch(/limit must be an integer from 1 to 100, got 0/)
  })

  it('one request reads each view once per layer, whatever its fields and aliases; batch parts come from the cache', async () => {
    const engine = fixture.twinflow.get(TOKENS.BatchEngine)
    const store = fixture.twinflow.get(TOKENS.RealtimeStore)
    const log = fixture.twinflow.get(TOKENS.EventLog)
    const calls: string[] = []
    // Only the reads made while serving a request count (the speed layer reads publications too).
    const spy = <O extends object>(target: O, name: string, method: keyof O & string) => {
      const original = (target[method] as (...args: unknown[]) => unknown).bind(target)
      ;(target as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const call = `${name}.${method}(${String(args[0])})`
        if (!currentRequestScope()) return original(...args)
        calls.push(call)
        const result = original(...args)
        void Promise.resolve(result).then(
          () => calls.push(`done:${call}`),
          () => {},
        )
        return result
      }
      return () => delete (target as Record<string, unknown>)[method]
    }
    const restore = [
      spy(engine, 'engine', 'currentPublication'),
      spy(engine, 'engine', 'readWindows'),
      spy(store, 'store', 'readMarkedWindows'),
      spy(store, 'store', 'newestEventTime'),
      spy(store, 'store', 'progress'),
      spy(store, 'store', 'markedCutoff'),
      spy(log, 'log', 'endOffsets'),
    ]
    try {
      const query = `{
        a: shopRevenue(from: "${iso(T - 30 * DAY)}", to: "${iso(T)}", granularity: DAY) { totalCount freshness { pendingEvents } }
        b: shopRevenue(from: "${iso(T - 2 * DAY)}", to: "${iso(T + DAY)}", where: { shop: "shop-1" }) { totalCount freshness { cutoff newestEventTime } }
        c: shopRevenueTop(from: "${iso(DAY_START)}", to: "${iso(DAY_START + DAY)}", by: REVENUE_CENTS) { rows { shop } freshness { realtimeLagMs } }
        d: orderMix(from: "${iso(T - 3 * DAY)}", to: "${iso(T + DAY)}", granularity: HOUR) { totalCount freshness { pendingEvents } }
        e: orderMix(from: "${iso(T - DAY)}", to: "${iso(T + DAY)}") { totalCount }
      }`
      // A fresh range (never read before), so that the batch parts are not cached yet.
      const first = await client.query(query.replaceAll(iso(T - 30 * DAY), iso(T - 44 * DAY)))
      expect(first.errors).toBeUndefined()
      const count = (prefix: string) => calls.filter((c) => c.startsWith(prefix)).length
      // The last publication seen serves (looked up again at most once a second, in the background);
      // the race check reads the realtime store's cutoff mark with its windows, one read per view.
      expect(count('engine.currentPublication(shopRevenue)')).toBeLessThanOrEqual(1)
      expect(count('engine.currentPublication(orderMix)')).toBeLessThanOrEqual(1)
      expect(count('store.markedCutoff')).toBe(0)
      expect(count('engine.readWindows(shopRevenue)')).toBeLessThanOrEqual(1)
      expect(count('engine.readWindows(orderMix)')).toBeLessThanOrEqual(1)
      expect(count('store.readMarkedWindows(shopRevenue)')).toBe(1)
      expect(count('store.readMarkedWindows(orderMix)')).toBe(1)
      expect(count('store.newestEventTime(shopRevenue)')).toBe(1)
      expect(count('store.newestEventTime(orderMix)')).toBe(0) // d asks for pendingEvents alone
      expect(count('store.progress')).toBe(1) // both views read one stream
      expect(count('log.endOffsets')).toBe(1)
      // The freshness reads go out with the answer's reads, not after the answer is merged.
      const done = calls.indexOf('done:store.readMarkedWindows(shopRevenue)')
      for (const read of ['store.newestEventTime(shopRevenue)', 'store.progress(', 'log.endOffsets(twinflow.orders)']) {
        const at = calls.findIndex((c) => c.startsWith(read))
        expect(at, read).toBeGreaterThanOrEqual(0)
        expect(at, read).toBeLessThan(done)
      }
      calls.length = 0
      const again = await client.query(query.replaceAll(iso(T - 30 * DAY), iso(T - 44 * DAY)))
      expect(again.data).toEqual(first.data)
      expect(count('engine.readWindows')).toBe(0) // immutable versions: served from the cache
      expect(count('store.readMarkedWindows')).toBe(2) // the speed layer's windows are read fresh every time
      // A freshness without the speed layer's figures is made of the publication alone.
      calls.length = 0
      const cheap = await client.query(`{
        shopRevenue(from: "${iso(T - 2 * DAY)}", to: "${iso(T + DAY)}") { totalCount freshness { cutoff batchVersion answeredAt } }
        pipeline { view(name: "orderMix") { freshness { cutoff batchVersion } } }
      }`)
      expect(cheap.errors).toBeUndefined()
      expect(cheap.data!.shopRevenue.freshness).toEqual({ cutoff: iso(cutoffOf(HOUR)), batchVersion: 1, answeredAt: iso(T) })
      expect(cheap.data!.pipeline.view.freshness).toEqual({ cutoff: iso(cutoffOf(15 * 60_000)), batchVersion: 1 })
      expect(calls.filter((c) => /newestEventTime|progress|endOffsets/.test(c))).toEqual([])
    } finally {
      for (const undo of restore) undo()
    }
  })

  it('a subscription (SSE) pushes the rows of its filter as the speed layer applies new events', async () => {
    const sse = client.sse()
    const updates = sse.iterate<any>({
      query: `subscription($from: DateTime!, $to: DateTime!) {
        shopRevenue(from: $from, to: $to, where: { shop: "shop-new" }) { cutoff rows { windowStart shop orders revenueCents } freshness { newestEventTime } }
      }`,
      variables: { from: iso(cutoffOf(HOUR)), to: iso(T + 2 * HOUR) },
    })
    try {
      const first = await updates.next()
      expect(first.value.errors).toBeUndefined()
      expect(first.value.data.shopRevenue).toMatchObject({ cutoff: iso(cutoffOf(HOUR)), rows: [] })
      const order = { orderId: 'live-1', shopId: 'shop-new', customerId: 'c-1', amountCents: 1234, items: 1, status: 'paid', ts: T + 60_000 }
      await fixture.produce('orders', [order])
      const second = await updates.next()
      expect(second.value.data.shopRevenue.rows).toEqual([{ windowStart: iso(Date.UTC(2026, 10, 23, 12)), shop: 'shop-new', orders: 1, revenueCents: 1234 }])
      await fixture.produce('orders', [{ ...order, orderId: 'live-2', amountCents: 766, ts: T + 31 * 60_000 }])
      const third = await updates.next()
      expect(third.value.data.shopRevenue.rows).toEqual([
        { windowStart: iso(Date.UTC(2026, 10, 23, 12)), shop: 'shop-new', orders: 1, revenueCents: 1234 },
        { windowStart: iso(Date.UTC(2026, 10, 23, 13)), shop: 'shop-new', orders: 1, revenueCents: 766 },
      ])
      // One subscription at most on this server (serving.limits.maxSubscriptions = 1).
      const refused = sse.iterate<any>({ query: `subscription { orderMix(from: "${iso(T)}", to: "${iso(T + HOUR)}") { totalCount } }` })
      expect((await refused.next()).value.errors?.[0]).toMatchObject({ extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })
    } finally {
      await updates.return?.()
      sse.dispose()
    }
    // The server notices the client went away, and stops the subscription.
    const feed = fixture.twinflow.get(SERVING_TOKENS.ChangeFeed)
    for (let i = 0; i < 100 && feed.size > 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(feed.size).toBe(0)
  })

  it('a split subscription pushes the chart again as the speed layer applies new events', async () => {
    const sse = client.sse()
    const updates = sse.iterate<any>({
      query: `subscription($from: DateTime!, $to: DateTime!) {
        shopRevenueSplit(from: $from, to: $to, measure: ORDERS, splitBy: [SHOP], top: 1, where: { shopIn: ["shop-split", "shop-0"] }) { windows cutoff series { keys { shop } other values } }
      }`,
      variables: { from: iso(cutoffOf(HOUR)), to: iso(T + 2 * HOUR) },
    })
    try {
      const first = (await updates.next()).value
      expect(first.errors).toBeUndefined()
      const before = first.data.shopRevenueSplit
      expect(before.cutoff).toBe(iso(cutoffOf(HOUR)))
      expect(before.series.map((s: any) => s.keys.shop)).toEqual(['shop-0'])
      const orders = [1, 2, 3].map((i) => ({ orderId: `split-${i}`, shopId: 'shop-split', customerId: 'c-1', amountCents: 100, items: 1, status: 'paid', ts: T + 35 * 60_000 }))
      await fixture.produce('orders', orders)
      // shop-0 stays the top group; shop-split, the only other, is merged into `other`.
      const after = (await updates.next()).value.data.shopRevenueSplit
      const at = after.windows.indexOf(iso(Date.UTC(2026, 10, 23, 13)))
      expect(at).toBeGreaterThanOrEqual(0)
      expect(after.series.map((s: any) => [s.keys.shop, s.other])).toEqual([
        ['shop-0', false],
        [null, true],
      ])
      expect(after.series[1].values[at]).toBe(3)
      expect(after.series[0].values).toEqual(after.windows.map((w: string) => before.series[0].values[before.windows.indexOf(w)] ?? null))
    } finally {
      await updates.return?.()
      sse.dispose()
    }
  })
})
