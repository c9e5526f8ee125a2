import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOrders, onlineStorePipeline, type Order, type RefRow, type RefSpec, referenceAggregate, referenceSpecs, sortRows } from '@twinflow/example-online-store'
import { createTestPipeline, type TestPipeline } from '@twinflow/testing'

// Replay: a data set whose event times lie months in the past. Its older five months are loaded
// from files (CSV through a mapping, NDJSON, Parquet), a batch run covers them, its newest month is
// produced to the log; with the clock at the real present, every answer equals the reference.
const HOUR = 3_600_000
const DAY = 24 * HOUR
const NOW = Date.now()
const SPLIT = Math.floor(NOW / DAY) * DAY - 30 * DAY // a UTC midnight a month ago: loaded before it, the log from it
const FROM = SPLIT - 152 * DAY
const iso = (ms: number) => new Date(ms).toISOString()
const seconds = (o: Order): Order => ({ ...o, ts: Math.floor(o.ts / 1000) * 1000 })

const older = generateOrders(24_000, { seed: 31, from: FROM, to: SPLIT }).map(seconds)
older.push({ orderId: 'last-loaded', shopId: 'shop-2', customerId: 'c', amountCents: 777, items: 1, status: 'paid', ts: SPLIT - 1000 })
const newest = generateOrders(4000, { seed: 32, from: SPLIT, to: NOW - HOUR }).map(seconds)
const all = [...older, ...newest]

const dir = mkdtempSync(join(tmpdir(), 'twinflow-replay-'))
const jakarta = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Jakarta',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** The older five months in three files: a shop's CSV export (snake_case, Jakarta wall-clock times), NDJSON, Parquet. */
function writeFiles(): string[] {
  const thirds = [FROM + 50 * DAY, FROM + 100 * DAY]
  const part = (i: number) => older.filter((o) => (i === 0 ? o.ts < thirds[0]! : i === 1 ? o.ts >= thirds[0]! && o.ts < thirds[1]! : o.ts >= thirds[1]!))
  const csv = join(dir, 'orders-1.csv')
  const quote = (s: string) => (/[",]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
  writeFileSync(
    csv,
    [
      'order_id,shop,customer,amount_cents,items,status,created_local',
      ...part(0).map((o) => [o.orderId, o.shopId, o.customerId, o.amountCents, o.items, o.status, jakarta.format(o.ts)].map((v) => quote(String(v))).join(',')),
    ].join('\n'),
  )
  const ndjson = join(dir, 'orders-2.ndjson')
  writeFileSync(
    ndjson,
    part(1)
      .map((o) => JSON.stringify(o))
      .join('\n'),
  )
  const rows = part(2)
  const parquet = join(dir, 'orders-3.parquet')
  writeFileSync(
    parquet,
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'orderId', data: rows.map((o) => o.orderId), type: 'STRING' },
          { name: 'shopId', data: rows.map((o) => o.shopId), type: 'STRING' },
          { name: 'customerId', data: rows.map((o) => o.customerId), type: 'STRING' },
          { name: 'amountCents', data: BigInt64Array.from(rows.map((o) => BigInt(o.amountCents))), type: 'INT64' },
          { name: 'items', data: Int32Array.from(rows.map((o) => o.items)), type: 'INT32' },
          { name: 'status', data: rows.map((o) => o.status), type: 'STRING' },
          { name: 'ts', data: rows.map((o) => new Date(o.ts)), type: 'TIMESTAMP' },
        ],
        rowGroupSize: 3000,
      }),
    ),
  )
  return [csv, ndjson, parquet]
}

const CSV_MAPPING = {
  rename: { order_id: 'orderId', shop: 'shopId', customer: 'customerId', amount_cents: 'amountCents', created_local: 'ts' },
  timestamps: { ts: { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss', zone: 'Asia/Jakarta' } },
  strict: true,
}

const monthly = <E>(spec: RefSpec<E>): RefSpec<E> => ({
  ...spec,
  time: (e) => Date.UTC(new Date(spec.time(e)).getUTCFullYear(), new Date(spec.time(e)).getUTCMonth(), 1),
  windowMs: 1,
})

describe('replay: months-old history loaded from files, its newest month through the log, the clock at the present', () => {
  let tf: TestPipeline
  beforeAll(async () => {
    tf = await createTestPipeline({ pipeline: onlineStorePipeline, now: NOW, config: { speed: { foldThreads: 0 } } })
  })
  afterAll(async () => {
    await tf?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const SERIES = `query($from: DateTime!, $to: DateTime!, $g: Granularity, $where: ShopRevenueFilter) {
    shopRevenue(from: $from, to: $to, granularity: $g, where: $where, limit: 10000) { cutoff rows { windowStart shop orders revenueCents biggestOrderCents smallestOrderCents avgOrderCents } } }`
  const MIX = `query($from: DateTime!, $to: DateTime!, $g: Granularity) {
    orderMix(from: $from, to: $to, granularity: $g, limit: 10000) { cutoff rows { windowStart shop status large orders items maxUnitPrice } } }`

  async function expectAnswersEqualTheReference(events: readonly Order[]) {
    const revenue = referenceSpecs.shopRevenue as RefSpec<Order>
    const mix = referenceSpecs.orderMix as RefSpec<Order>
    const whole = { from: iso(FROM - DAY), to: iso(Math.ceil(NOW / DAY) * DAY + DAY) }
    const around = { from: iso(SPLIT - 2 * DAY), to: iso(SPLIT + 2 * DAY) }
    const inRange = (e: Order, r: { from: string; to: string }) => e.ts >= Date.parse(r.from) && e.ts < Date.parse(r.to)
    const series = async (doc: string, variables: Record<string, unknown>, view: string) => sortRows((await tf.query(doc, { variables }))[view].rows)

    expect(await series(SERIES, { ...around, g: 'HOUR' }, 'shopRevenue'), 'hourly around the cutoff').toEqual(
      referenceAggregate(
        events.filter((e) => inRange(e, around)),
        revenue,
      ),
    )
    expect(await series(SERIES, { ...whole, g: 'DAY' }, 'shopRevenue'), 'daily, six months').toEqual(referenceAggregate(events, revenue, DAY))
    expect(await series(SERIES, { ...whole, g: 'MONTH' }, 'shopRevenue'), 'monthly').toEqual(referenceAggregate(events, monthly(revenue)))
    const shop1 = events.filter((e) => e.shopId === 'shop-1')
    expect(await series(SERIES, { ...whole, g: 'DAY', where: { shop: 'shop-1' } }, 'shopRevenue'), 'a filter').toEqual(referenceAggregate(shop1, revenue, DAY))
    const twoShops = events.filter((e) => e.shopId === 'shop-0' || e.shopId === 'shop-3')
    expect(await series(SERIES, { ...whole, g: 'MONTH', where: { shopIn: ['shop-0', 'shop-3'] } }, 'shopRevenue'), 'a membership filter').toEqual(
      referenceAggregate(twoShops, monthly(revenue)),
    )
    const near = { from: iso(SPLIT - 6 * HOUR), to: iso(SPLIT + 6 * HOUR) }
    expect(await series(MIX, { ...near, g: 'FIFTEEN_MINUTES' }, 'orderMix'), '15 minutes around the cutoff').toEqual(
      referenceAggregate(
        events.filter((e) => inRange(e, near)),
        mix,
      ),
    )
    expect(await series(MIX, { ...whole, g: 'DAY' }, 'orderMix'), 'orderMix daily').toEqual(referenceAggregate(events, mix, DAY))

    const top = await tf.query(`{ shopRevenueTop(from: "${whole.from}", to: "${whole.to}", by: REVENUE_CENTS, limit: 3) { rows { shop orders revenueCents } } }`)
    const totals = referenceAggregate(events, { ...revenue, time: () => 0, windowMs: 1 })
      .map((r: RefRow) => ({ shop: r.shop, orders: r.orders, revenueCents: r.revenueCents }))
      .sort((a, b) => Number(b.revenueCents) - Number(a.revenueCents) || (a.shop! < b.shop! ? -1 : 1))
      .slice(0, 3)
    expect(top.shopRevenueTop.rows, 'top 3 shops').toEqual(totals)
  }

  it('loads five months of history from CSV (mapped), NDJSON and Parquet files', async () => {
    const [csv, ndjson, parquet] = writeFiles()
    const first = await tf.load('orders', [csv!], { mapping: CSV_MAPPING })
    const rest = await tf.load('orders', [ndjson!, parquet!])
    const files = [...first.files, ...rest.files]
    expect(files.map((f) => [f.status, f.rejected])).toEqual([
      ['loaded', 0],
      ['loaded', 0],
      ['loaded', 0],
    ])
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(older.length)
  })

  it('a batch run covers the loaded history whole: the cutoff is the split, however old', async () => {
    const runs = await tf.runBatch()
    const cutoffs = Object.fromEntries(runs.map((r) => [r.view, r.cutoff]))
    expect(cutoffs).toMatchObject({ shopRevenue: SPLIT, orderMix: SPLIT })
  })

  it('the newest month through the log: every answer equals the reference, no gap nor double count at the cutoff', async () => {
    for (let i = 0; i < newest.length; i += 1000) await tf.send('orders', newest.slice(i, i + 1000))
    await expectAnswersEqualTheReference(all)
    const answer = await tf.query(`{ shopRevenue(from: "${iso(SPLIT - DAY)}", to: "${iso(SPLIT + DAY)}") { cutoff } }`)
    expect(answer.shopRevenue.cutoff).toBe(iso(SPLIT))
  })

  it('the next batch run moves the cutoff up to the log, and the answers stay equal', async () => {
    const runs = await tf.runBatch()
    expect(runs.find((r) => r.view === 'shopRevenue')!.cutoff).toBeGreaterThan(SPLIT)
    await expectAnswersEqualTheReference(all)
  })
})
