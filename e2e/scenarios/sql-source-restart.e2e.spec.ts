import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { masterTableSql } from '@twinflow/batch-layer'
import { generateOrders, orders as ordersStream, type Order } from '@twinflow/example-online-store'
import { MariadbContainer, PostgresContainer, type StartedMariadbContainer, type StartedPostgresContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { dayRange, emptyBook, eventually, expectServedTruth, HOUR, Stack, TOPICS, type TwinflowProcess } from '../src/harness/index.ts'

// The sql source on Kafka, ClickHouse 18.16 and Redis: orders in a PostgreSQL table and a MariaDB
// table, read by two sql sources of one `twinflow start --role ingest` process in small batches;
// the process is SIGKILLed once some batches are in the log, and started again. It resumes after
// the checkpoints the log holds: every row is in the log once, archived once, and the batch and
// speed layers' answers equal the reference computed from the tables' rows.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE', 'TWINFLOW_POSTGRES_IMAGE', 'TWINFLOW_MARIADB_IMAGE'])
const NOW = Date.now()
const PER_TABLE = 20_000
// Five hours: orderMix's 15-minute rows (21 windows × 5 shops × 3 statuses × large or not) stay
// under the serving layer's default page of 1000 rows.
const FROM = NOW - 6 * HOUR
const TO = NOW - HOUR
const inPostgres = generateOrders(PER_TABLE, { seed: 51, from: FROM, to: TO }).map((o) => ({ ...o, orderId: `pg-${o.orderId}` }))
const inMariadb = generateOrders(PER_TABLE, { seed: 52, from: FROM, to: TO }).map((o) => ({ ...o, orderId: `my-${o.orderId}` }))
const TOTAL = 2 * PER_TABLE
const MAPPING = { rename: { order_id: 'orderId', shop_id: 'shopId', customer_id: 'customerId', amount_cents: 'amountCents' }, drop: ['id'] }

async function fillPostgres(url: string, rows: readonly Order[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(
    'CREATE TABLE orders (id bigserial PRIMARY KEY, order_id text, shop_id text, customer_id text, amount_cents bigint, items int, status text, ts timestamptz(3))',
  )
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000)
    await client.query(
      `INSERT INTO orders (order_id, shop_id, customer_id, amount_cents, items, status, ts) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::timestamptz[])`,
      [
        chunk.map((o) => o.orderId),
        chunk.map((o) => o.shopId),
        chunk.map((o) => o.customerId),
        chunk.map((o) => o.amountCents),
        chunk.map((o) => o.items),
        chunk.map((o) => o.status),
        chunk.map((o) => new Date(o.ts).toISOString()),
      ],
    )
  }
  await client.end()
}

async function fillMariadb(url: string, rows: readonly Order[]): Promise<void> {
  const connection = await mysql.createConnection({ uri: url })
  await connection.query("SET time_zone = '+00:00'")
  await connection.query(
    'CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, order_id varchar(64), shop_id varchar(64), customer_id varchar(64), amount_cents bigint, items int, status varchar(16), ts timestamp(3) NULL)',
  )
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000)
    await connection.query('INSERT INTO orders (order_id, shop_id, customer_id, amount_cents, items, status, ts) VALUES ?', [
      chunk.map((o) => [o.orderId, o.shopId, o.customerId, o.amountCents, o.items, o.status, new Date(o.ts).toISOString().replace('T', ' ').replace('Z', '')]),
    ])
  }
  await connection.end()
}

describe.skipIf(env.skip)('scenario: the sql source killed mid-table and started again', { timeout: 600_000 }, () => {
  let stack: Stack
  let postgres: StartedPostgresContainer
  let mariadb: StartedMariadbContainer
  let config: string
  let url: string

  beforeAll(async () => {
    const [s, p, m] = await Promise.all([
      Stack.start({ images: env.images }),
      new PostgresContainer(env.images.TWINFLOW_POSTGRES_IMAGE).start(),
      new MariadbContainer(env.images.TWINFLOW_MARIADB_IMAGE).start(),
    ])
    stack = s
    postgres = p
    mariadb = m
    await Promise.all([fillPostgres(postgres.getUrl(), inPostgres), fillMariadb(mariadb.getUrl(), inMariadb)])
    await stack.createTopics()
    // Small batches: the kill lands after some of them and well before the last.
    const source = (name: string, dbUrl: string) => ({
      plugin: 'sql',
      name,
      options: { stream: 'orders', url: dbUrl, table: 'orders', cursor: { column: 'id' }, batchSize: 100, poll: { intervalMs: 200 } },
      mapping: MAPPING,
    })
    config = stack.writeConfig({ sources: [source('shop-pg', postgres.getUrl()), source('shop-maria', mariadb.getUrl())], batch: { runner: { waitTimeoutMs: 240_000 } } })
    await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config)])
    url = (await stack.startServe(config)).url
  }, 400_000)

  afterAll(async () => {
    await stack?.stop()
    await Promise.allSettled([postgres?.stop(), mariadb?.stop()])
  }, 120_000)

  const failureReport = () => onTestFailed(() => console.error(stack.report()))
  const logged = async () => [...(await (await stack.log()).endOffsets(TOPICS.orders)).values()].reduce((a, b) => a + b, 0)

  it('SIGKILLed after some batches, started again: every row is in the log once', async () => {
    failureReport()
    const first = await stack.startRole('ingest', config, 'ingest-1')
    const atKill = await eventually(logged, (n) => n >= TOTAL / 5, 120_000, 20)
    first.signal('SIGKILL')
    const exit = await first.exited
    expect(exit.signal).toBe('SIGKILL')
    const afterKill = await logged()
    expect(afterKill, 'the kill came before the end of the tables').toBeLessThan(TOTAL)
    expect(afterKill).toBeGreaterThanOrEqual(atKill)

    const second: TwinflowProcess = await stack.startRole('ingest', config, 'ingest-2')
    // Both sources resume after the checkpoint of their last batch in the log.
    await second.waitForOutput(/"msg":"source resumes after its checkpoint".*"source":"shop-pg"|"source":"shop-pg".*"msg":"source resumes after its checkpoint"/, 60_000)
    await second.waitForOutput(/"msg":"source resumes after its checkpoint".*"source":"shop-maria"|"source":"shop-maria".*"msg":"source resumes after its checkpoint"/, 60_000)
    await eventually(logged, (n) => n >= TOTAL, 240_000, 200)
    // Caught up and polling: nothing more comes.
    await new Promise((r) => setTimeout(r, 3000))
    expect(await logged()).toBe(TOTAL)
  })

  it('the master table holds every order once, and the answers equal the reference', async () => {
    failureReport()
    const table = masterTableSql.table(ordersStream)
    const count = async () => {
      const result = await fetch(`${stack.clickhouse.getUrl()}/?database=${stack.clickhouse.credentials.database}`, {
        method: 'POST',
        headers: { 'X-ClickHouse-User': stack.clickhouse.credentials.username, 'X-ClickHouse-Key': stack.clickhouse.credentials.password },
        body: `SELECT count() AS n, uniqExact(orderId) AS distinct, sum(amountCents) AS cents, countIf(_error != '') AS rejected FROM ${table} FORMAT JSONEachRow`,
      })
      return JSON.parse(await result.text()) as { n: string; distinct: string; cents: string; rejected: string }
    }
    const archived = await eventually(count, (c) => Number(c.n) >= TOTAL, 180_000, 500)
    const all = [...inPostgres, ...inMariadb]
    expect(archived).toEqual({ n: String(TOTAL), distinct: String(TOTAL), cents: String(all.reduce((a, o) => a + o.amountCents, 0)), rejected: '0' })
    const { code, runs } = await stack.batchRun(config)
    expect(code).toBe(0)
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
    const book = emptyBook()
    book.orders.push(...all)
    await expectServedTruth(url, book, dayRange(FROM, TO), { views: ['shopRevenue', 'orderMix'], timeoutMs: 120_000 })
  })
})
