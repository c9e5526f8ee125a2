import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, type Order, type RefRow, type RefSpec, referenceAggregate, referenceSpecs, sortRows } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { DAY, eventually, HOUR, Stack, TOPICS, TwinflowProcess } from '../src/harness/index.ts'
import { settings } from '../src/settings.ts'

// Replay on Kafka, ClickHouse 18.16 and Redis: a data set whose event times lie months in the past.
// Its older five months are loaded with `twinflow load` (a CSV export through a mapping, and an
// NDJSON file) straight into ClickHouse, `twinflow batch run all` covers them, its newest month is
// produced to Kafka; with the clock at the real present, every answer equals the reference.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const NOW = Date.now()
const SPLIT = Math.floor(NOW / DAY) * DAY - 30 * DAY
const FROM = SPLIT - 152 * DAY
const iso = (ms: number) => new Date(ms).toISOString()
const seconds = (o: Order): Order => ({ ...o, ts: Math.floor(o.ts / 1000) * 1000 })

describe.skipIf(env.skip)('scenario: replay of months-old history with twinflow load, then the log', { timeout: 600_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-e2e-replay-'))
  const older = generateOrders(150_000, { seed: 41, from: FROM, to: SPLIT }).map(seconds)
  older.push({ orderId: 'last-loaded', shopId: 'shop-2', customerId: 'c', amountCents: 777, items: 1, status: 'paid', ts: SPLIT - 1000 })
  const newest = generateOrders(30_000, { seed: 42, from: SPLIT, to: NOW - HOUR }).map(seconds)
  const all = [...older, ...newest]
  const local = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  // New York wall-clock times in the CSV: a time repeated when clocks go back reads as its first
  // instant (the mapping's rule), so the events of a repeated hour go to the NDJSON file instead.
  const repeated = (o: Order) => local.format(o.ts - HOUR) === local.format(o.ts) || local.format(o.ts + HOUR) === local.format(o.ts)
  const csvRows = older.slice(0, Math.floor(older.length / 2)).filter((o) => !repeated(o))
  const inCsv = new Set(csvRows)
  const ndjsonRows = older.filter((o) => !inCsv.has(o))
  const half = csvRows.length
  const csv = join(dir, 'orders-export.csv')
  const ndjson = join(dir, 'orders-archive.ndjson')
  const mapping = join(dir, 'mapping.json')

  beforeAll(async () => {
    writeFileSync(
      csv,
      `order_id;shop;customer;amount;items;status;created\r\n${csvRows.map((o) => [o.orderId, o.shopId, o.customerId, o.amountCents, o.items, o.status, local.format(o.ts)].join(';')).join('\r\n')}\r\n`,
    )
    writeFileSync(ndjson, ndjsonRows.map((o) => JSON.stringify({ ...o, ts: iso(o.ts) })).join('\n'))
    writeFileSync(
      mapping,
      JSON.stringify({
        rename: { order_id: 'orderId', shop: 'shopId', customer: 'customerId', amount: 'amountCents', created: 'ts' },
        timestamps: { ts: { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss', zone: 'America/New_York' } },
      }),
    )
    stack = await Stack.start({ images: env.images })
    await stack.createTopics()
    config = stack.writeConfig({ batch: { runner: { waitTimeoutMs: 240_000 } } })
    await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config)])
    url = (await stack.startServe(config)).url
  }, 300_000)

  afterAll(async () => {
    await stack?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  const failureReport = () => onTestFailed(() => console.error(stack.report()))

  async function load(args: string[]): Promise<{ code: number | null; summary: Record<string, any> }> {
    const p = await TwinflowProcess.start({ name: 'load', args: ['load', '--config', config, '--stream', 'orders', ...args], echo: settings.verbose })
    stack.processes.push(p)
    const exit = await p.finished(300_000)
    const line = p
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"event":"summary"'))
    if (!line) throw new Error(`twinflow load printed no summary:\n${p.tail()}`)
    return { code: exit.code, summary: JSON.parse(line) }
  }

  async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    })
    const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] }
    if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`)
    return body.data!
  }

  const SERIES = `query($from: DateTime!, $to: DateTime!, $g: Granularity, $where: ShopRevenueFilter) {
    shopRevenue(from: $from, to: $to, granularity: $g, where: $where, limit: 10000) { cutoff rows { windowStart shop orders revenueCents biggestOrderCents smallestOrderCents avgOrderCents } } }`
  const MIX = `query($from: DateTime!, $to: DateTime!, $g: Granularity) {
    orderMix(from: $from, to: $to, granularity: $g, limit: 10000) { cutoff rows { windowStart shop status large orders items maxUnitPrice } } }`
  const monthly = <E>(spec: RefSpec<E>): RefSpec<E> => ({
    ...spec,
    time: (e) => Date.UTC(new Date(spec.time(e)).getUTCFullYear(), new Date(spec.time(e)).getUTCMonth(), 1),
    windowMs: 1,
  })

  /** Every answer, polled until it equals the reference (the speed layer is asynchronous), then asserted. */
  async function expectServedTruth(events: readonly Order[]): Promise<void> {
    const revenue = referenceSpecs.shopRevenue as RefSpec<Order>
    const mix = referenceSpecs.orderMix as RefSpec<Order>
    const whole = { from: iso(FROM - DAY), to: iso(Math.ceil(NOW / DAY) * DAY + DAY) }
    const around = { from: iso(SPLIT - 2 * DAY), to: iso(SPLIT + 2 * DAY) }
    const near = { from: iso(SPLIT - 6 * HOUR), to: iso(SPLIT + 6 * HOUR) }
    const inRange = (e: Order, r: { from: string; to: string }) => e.ts >= Date.parse(r.from) && e.ts < Date.parse(r.to)
    const shop1 = events.filter((e) => e.shopId === 'shop-1')
    const checks: [string, string, Record<string, unknown>, string, RefRow[]][] = [
      [
        'hourly around the cutoff',
        SERIES,
        { ...around, g: 'HOUR' },
        'shopRevenue',
        referenceAggregate(
          events.filter((e) => inRange(e, around)),
          revenue,
        ),
      ],
      ['daily over six months', SERIES, { ...whole, g: 'DAY' }, 'shopRevenue', referenceAggregate(events, revenue, DAY)],
      ['monthly', SERIES, { ...whole, g: 'MONTH' }, 'shopRevenue', referenceAggregate(events, monthly(revenue))],
      ['a filter', SERIES, { ...whole, g: 'DAY', where: { shop: 'shop-1' } }, 'shopRevenue', referenceAggregate(shop1, revenue, DAY)],
      [
        '15 minutes around the cutoff',
        MIX,
        { ...near, g: 'FIFTEEN_MINUTES' },
        'orderMix',
        referenceAggregate(
          events.filter((e) => inRange(e, near)),
          mix,
        ),
      ],
      ['orderMix monthly', MIX, { ...whole, g: 'MONTH' }, 'orderMix', referenceAggregate(events, monthly(mix))],
    ]
    for (const [label, query, variables, view, expected] of checks) {
      const rows = await eventually(
        async () => sortRows((await graphql(query, variables))[view].rows),
        (r) => JSON.stringify(r) === JSON.stringify(expected),
        120_000,
        1000,
      )
      expect(rows, label).toEqual(expected)
    }
    const top = await graphql(`{ shopRevenueTop(from: "${whole.from}", to: "${whole.to}", by: REVENUE_CENTS, limit: 3) { rows { shop orders revenueCents } } }`)
    const totals = referenceAggregate(events, { ...revenue, time: () => 0, windowMs: 1 })
      .map((r) => ({ shop: r.shop, orders: r.orders, revenueCents: r.revenueCents }))
      .sort((a, b) => Number(b.revenueCents) - Number(a.revenueCents) || (String(a.shop) < String(b.shop) ? -1 : 1))
      .slice(0, 3)
    expect(top.shopRevenueTop.rows, 'top 3').toEqual(totals)
  }

  it('twinflow load writes five months of history into ClickHouse; loading again adds nothing', async () => {
    failureReport()
    const first = await load(['--mapping', mapping, '--delimiter', ';', csv])
    expect(first.code).toBe(0)
    expect(first.summary).toMatchObject({ inserted: half, rejected: 0, files: [{ status: 'loaded', rows: half }] })
    const second = await load([ndjson, csv])
    expect(second.code).toBe(0)
    expect(second.summary.files.map((f: Record<string, unknown>) => [f.status, f.rows])).toEqual([
      ['loaded', ndjsonRows.length],
      ['skipped', half],
    ])
  })

  it('a batch run covers the loaded history whole: its cutoff is the split, months ago', async () => {
    failureReport()
    const { code, runs } = await stack.batchRun(config)
    expect(code).toBe(0)
    const cutoffs = Object.fromEntries(runs.map((r) => [r.view, r.cutoff]))
    expect(cutoffs).toMatchObject({ shopRevenue: SPLIT, orderMix: SPLIT })
  })

  it('the newest month through Kafka: every answer equals the reference, no gap nor double count at the cutoff', async () => {
    failureReport()
    await stack.produce(TOPICS.orders, newest)
    await expectServedTruth(all)
  })

  it('the next batch run follows the log: the cutoff moves up, the answers stay equal', async () => {
    failureReport()
    const { code, runs } = await stack.batchRun(config)
    expect(code).toBe(0)
    expect(runs.find((r) => r.view === 'shopRevenue')!.cutoff).toBeGreaterThan(SPLIT)
    await expectServedTruth(all)
  })
})
