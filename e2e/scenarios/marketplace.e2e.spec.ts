import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { type MarketEvent, marketplaceSample, NORTH_SHOP_TABLE, type NorthShopOrder } from '@twinflow/example-marketplace'
import { MariadbContainer, type StartedMariadbContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { DAY, eventually, REPO_ROOT, TwinflowProcess } from '../src/harness/index.ts'

// The marketplace example as its README runs it: `twinflow dev` on the embedded runtimes with the
// example's own twinflow.json, its `sql` source reading a real MariaDB server, its `file` source
// watching a folder of CSV exports, and its `http` source taking the webhook's POSTs. Rows arrive
// in two rounds in each system (the second while it runs); every answer must equal the truth the
// sample data stands for, and a bad row of each system is a dead letter with its reason.
const env = await e2eEnvironment(['TWINFLOW_MARIADB_IMAGE'])
const NOW = Date.now()
const FROM = NOW - 2 * DAY
const sample = marketplaceSample({ seed: 7, from: FROM, to: NOW - 10 * 60_000, orders: 3000, exports: 2000, webhooks: 1000 })
const CONFIG = join(REPO_ROOT, 'examples/marketplace/twinflow.json')

const half = <T>(rows: readonly T[]): [T[], T[]] => [rows.slice(0, rows.length >> 1), rows.slice(rows.length >> 1)]
const [northFirst, northSecond] = half(sample.northOrders)
const [csvHeader, ...csvLines] = sample.southCsv.trimEnd().split('\n')
const [southFirst, southSecond] = half(csvLines)
const [westFirst, westSecond] = half(sample.westEvents)

async function insertOrders(url: string, rows: readonly NorthShopOrder[]): Promise<void> {
  const connection = await mysql.createConnection({ uri: url })
  try {
    await connection.query(NORTH_SHOP_TABLE)
    if (rows.length > 0)
      await connection.query('INSERT INTO orders (order_no, shop_code, sku, qty, total_cents, created_at) VALUES ?', [
        rows.map((r) => [r.order_no, r.shop_code, r.sku, r.qty, r.total_cents, r.created_at]),
      ])
  } finally {
    await connection.end()
  }
}

/** What productSales must answer per day: the orders of every system. */
function productSalesTruth(events: readonly MarketEvent[]): string[] {
  const rows = new Map<string, { windowStart: string; product: string; orders: number; units: number; revenueCents: number; biggestOrderCents: number }>()
  for (const e of events) {
    if (e.kind !== 'order') continue
    const windowStart = new Date(Math.floor(e.ts / DAY) * DAY).toISOString()
    const key = `${windowStart}|${e.productId}`
    const row = rows.get(key) ?? { windowStart, product: e.productId, orders: 0, units: 0, revenueCents: 0, biggestOrderCents: 0 }
    row.orders++
    row.units += e.quantity
    row.revenueCents += e.amountCents
    row.biggestOrderCents = Math.max(row.biggestOrderCents, e.amountCents)
    rows.set(key, row)
  }
  return [...rows.values()].map((r) => JSON.stringify(r)).sort()
}

function systemTruth(events: readonly MarketEvent[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of events) counts[e.system] = (counts[e.system] ?? 0) + 1
  return counts
}

describe.skipIf(env.skip)('the marketplace example: a MariaDB table, CSV exports and a webhook into one stream', () => {
  let db: StartedMariadbContainer
  let dev: TwinflowProcess
  let graphql = ''
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-marketplace-'))
  const exports = join(dir, 'exports')

  const query = async <T>(text: string): Promise<T> => {
    const response = await fetch(graphql, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) })
    const body = (await response.json()) as { data?: T; errors?: unknown }
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`)
    return body.data!
  }
  const post = async (contentType: string, body: string) => {
    const response = await fetch(graphql.replace(/\/graphql$/, '/ingest/marketEvents'), { method: 'POST', headers: { 'content-type': contentType }, body })
    return { status: response.status, body: (await response.json()) as { accepted: number; rejected: { line: number; reason: string }[] } }
  }
  const range = `from: "${new Date(Math.floor(FROM / DAY) * DAY).toISOString()}", to: "${new Date(NOW + DAY).toISOString()}"`

  beforeAll(async () => {
    db = await new MariadbContainer(env.images.TWINFLOW_MARIADB_IMAGE).withCredentials({ user: 'twinflow', password: 'twinflow', database: 'northshop' }).start()
    await insertOrders(db.getUrl(), northFirst)
    mkdirSync(exports)
    writeFileSync(join(exports, 'south-1.csv'), `${[csvHeader, ...southFirst].join('\n')}\n`)
    dev = await TwinflowProcess.start({
      name: 'marketplace-dev',
      args: ['dev', '--config', CONFIG, '--port', '0'],
      env: { MARKETPLACE_DB_URL: db.getUrl(), MARKETPLACE_EXPORTS: exports, TWINFLOW_DATA_DIR: join(dir, 'data') },
      logLevel: 'warn',
      readyWhen: /GraphQL: (http:\S+)/,
      timeoutMs: 120_000,
    })
    graphql = /GraphQL: (http:\S+)/.exec(dev.output())![1]!
  }, 300_000)

  afterAll(async () => {
    await dev?.stop()
    await db?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it('reads the three systems into one stream as they grow, and every answer equals the truth', async () => {
    onTestFailed(() => console.error(dev.tail()))
    const first = await post('application/x-ndjson', westFirst.map((e) => JSON.stringify(e)).join('\n'))
    expect(first).toEqual({ status: 200, body: expect.objectContaining({ accepted: westFirst.length, rejected: [] }) })
    // The second round, while it runs: new rows in the table, a new export file, a JSON array.
    await insertOrders(db.getUrl(), northSecond)
    writeFileSync(join(exports, 'south-2.csv'), `${[csvHeader, ...southSecond].join('\n')}\n`)
    const second = await post('application/json', JSON.stringify(westSecond))
    expect(second).toEqual({ status: 200, body: expect.objectContaining({ accepted: westSecond.length, rejected: [] }) })

    type SystemMix = { systemMix: { rows: { system: string; events: number }[] } }
    const perSystem = (answer: SystemMix) => {
      const counts: Record<string, number> = {}
      for (const r of answer.systemMix.rows) counts[r.system] = (counts[r.system] ?? 0) + r.events
      return counts
    }
    const mix = await eventually(
      () => query<SystemMix>(`{ systemMix(${range}, granularity: DAY, limit: 1000) { rows { system events } } }`),
      (answer) => JSON.stringify(perSystem(answer)) === JSON.stringify(systemTruth(sample.truth)),
      180_000,
      1000,
    )
    expect(perSystem(mix)).toEqual(systemTruth(sample.truth))

    type ProductSales = { productSales: { rows: Record<string, unknown>[] } }
    const sales = await query<ProductSales>(
      `{ productSales(${range}, granularity: DAY, limit: 1000) { rows { windowStart product orders units revenueCents biggestOrderCents } } }`,
    )
    expect(sales.productSales.rows.map((r) => JSON.stringify(r)).sort()).toEqual(productSalesTruth(sample.truth))
  }, 300_000)

  it('a bad row of each system is a dead letter with its reason and position, and changes no answer', async () => {
    onTestFailed(() => console.error(dev.tail()))
    const connection = await mysql.createConnection({ uri: db.getUrl() })
    try {
      // An order time far in the future: beyond the stream's allowed skew.
      await connection.query('INSERT INTO orders (order_no, shop_code, sku, qty, total_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        'N-future',
        'north',
        'mug',
        1,
        999,
        new Date(NOW + 30 * DAY).toISOString().replace('T', ' ').replace('Z', ''),
      ])
    } finally {
      await connection.end()
    }
    writeFileSync(join(exports, 'south-3.csv'), `${csvHeader}\nS-bad;south;mug;order;two;100;01.12.2026 10:00:00\n`)
    const bad = await post('application/x-ndjson', `${JSON.stringify({ ...westFirst[0]!, id: 'W-bad', count: 'many' })}\n{"id": `)
    expect(bad.status).toBe(200)
    expect(bad.body.accepted).toBe(0)
    expect(bad.body.rejected.map((r) => r.line)).toEqual([1, 2])

    type Rejected = { pipeline: { rejectedInputs: { items: { stage: string; source: string; reason: string; payload: string }[] } } }
    const letters = await eventually(
      () => query<Rejected>(`{ pipeline { rejectedInputs(stream: "marketEvents", limit: 100) { items { stage source reason payload } } } }`),
      (answer) => answer.pipeline.rejectedInputs.items.length >= 4,
      120_000,
      1000,
    )
    // Each system's bad row, named by its source: values that cannot be converted are the mapping's reasons.
    const reasons = letters.pipeline.rejectedInputs.items.map((l) => `${l.stage} ${l.source} ${l.reason.split(':')[0]}`).sort()
    expect(reasons).toEqual(['ingest north-shop-orders future', 'ingest south-shop-exports mapping', 'ingest west-shop-webhook mapping', 'ingest west-shop-webhook ndjson'])
    const sales = await query<{ productSales: { rows: Record<string, unknown>[] } }>(
      `{ productSales(${range}, granularity: DAY, limit: 1000) { rows { windowStart product orders units revenueCents biggestOrderCents } } }`,
    )
    expect(sales.productSales.rows.map((r) => JSON.stringify(r)).sort()).toEqual(productSalesTruth(sample.truth))
  }, 240_000)
})
