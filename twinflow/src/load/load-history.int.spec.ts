import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS, TwinflowError, type Clock, type DeadLetter } from '@twinflow/core'
import { BATCH_TOKENS, LOAD_PARTITION_BASE, masterTableSql } from '@twinflow/batch-layer'
import { onlineStorePipeline, orders } from '@twinflow/example-online-store'
import { createTwinflow } from '../app/create-twinflow.ts'
import type { Twinflow } from '../app/twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { loadHistory, type LoadProgress } from './load-history.ts'

const NOW = Date.UTC(2026, 5, 1)
const clock: Clock = { now: () => NOW, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }
const dir = mkdtempSync(join(tmpdir(), 'twinflow-load-'))
const ROWS = 1000
const mapping = {
  rename: { order_id: 'orderId', shop: 'shopId', created: 'ts' },
  constants: { customerId: 'c-loaded' },
  drop: ['note'],
  timestamps: { ts: { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm:ss', zone: 'Asia/Jakarta' } },
}

/** Rows of orders as a shop's export writes them; every 100th row is bad in one of several ways. */
function ordersCsv(): string {
  const lines = ['order_id,shop,amountCents,items,status,created,note']
  for (let i = 0; i < ROWS; i++) {
    const hour = String(i % 24).padStart(2, '0')
    const day = String(1 + (i % 28)).padStart(2, '0')
    let line = `o${i},shop-${i % 3},${100 + i},${1 + (i % 3)},paid,2026-01-${day} ${hour}:00:00,"a ""note"", ok"`
    if (i % 100 === 7) line = `o${i},shop-1,12.5,1,paid,2026-01-01 00:00:00,x` // not an integer
    if (i % 100 === 37) line = `o${i},shop-1,5,1,lost,2026-01-01 00:00:00,x` // not in the enum
    if (i % 100 === 57) line = `o${i},shop-1,5,1,paid,2027-01-01 00:00:00,x` // after the load's start
    if (i % 100 === 77) line = `o${i},shop-1,5` // a short row
    lines.push(line)
  }
  return `${lines.join('\r\n')}\r\n`
}

let twinflow: Twinflow
const file = join(dir, 'orders.csv')
beforeAll(async () => {
  writeFileSync(file, ordersCsv())
  twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig({ speed: { foldThreads: 0 } }), clock })
  await twinflow.start([], { connect: ['archiver'], command: 'load test' })
})
afterAll(async () => {
  await twinflow?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function masterRows(partition: number): Promise<{ n: number; distinct: number; rejected: number }> {
  const driver = twinflow.get(TOKENS.ClickHouseDriver)
  const [row] = await driver.query<{ n: string; d: string; r: string }>(
    `SELECT count() AS n, uniqExact(_offset) AS d, countIf(_error != '') AS r FROM ${masterTableSql.table(orders)} WHERE _partition = ${partition}`,
  )
  return { n: Number(row!.n), distinct: Number(row!.d), rejected: Number(row!.r) }
}

describe('loadHistory on the embedded runtimes', () => {
  let partition = 0
  it('loads a CSV file through the mapping; rejected rows are stored with their reason and dead-lettered', async () => {
    const progress: LoadProgress[] = []
    const summary = await loadHistory(twinflow, { stream: 'orders', files: [file], mapping, blockRows: 150, onProgress: (p) => progress.push(p) })
    const [f] = summary.files
    partition = f!.partition!
    expect(partition).toBeGreaterThanOrEqual(LOAD_PARTITION_BASE)
    expect(f).toMatchObject({ status: 'loaded', rows: ROWS, inserted: ROWS, rejected: 40 })
    expect(summary.rejectedBy).toEqual({ 'mapping: field "amountCents"': 10, 'schema: field "status"': 10, future: 10, csv: 10 })
    expect(progress.at(-1)).toMatchObject({ file, rows: ROWS, done: true, etaSeconds: 0 })
    expect(await masterRows(partition)).toEqual({ n: ROWS, distinct: ROWS, rejected: 40 })
    // The mapping: renamed, constant, zone; the Jakarta wall-clock time is 7 hours ahead of UTC.
    const driver = twinflow.get(TOKENS.ClickHouseDriver)
    const [first] = await driver.query<Record<string, unknown>>(
      `SELECT orderId, shopId, customerId, amountCents, ts FROM ${masterTableSql.table(orders)} WHERE _partition = ${partition} AND _offset = 0`,
    )
    expect(first).toEqual({ orderId: 'o0', shopId: 'shop-0', customerId: 'c-loaded', amountCents: '100', ts: String(Date.UTC(2025, 11, 31, 17)) })
    const letters = (twinflow.get(TOKENS.DeadLetterQueue) as unknown as { letters(): DeadLetter[] }).letters()
    expect(letters).toHaveLength(40)
    expect(letters[0]).toMatchObject({ stream: 'orders', stage: 'load', partition, offset: 7, reason: 'mapping: field "amountCents": "12.5" is not an integer' })
    expect(letters.find((l) => l.offset === 77)).toMatchObject({ reason: 'csv: 3 fields where the header has 7' })
    expect(letters.find((l) => l.offset === 77)!.payload.toString()).toBe('o77,shop-1,5')
    expect(letters.find((l) => l.offset === 57)!.reason).toMatch(/^future: ts 2026-12-31T17:00:00.000Z is /)
    // Counted as loaded history, not as the log's.
    expect(await twinflow.get(TOKENS.BatchEngine).eventTimeWatermarks('orders')).toMatchObject({ log: null })
  })

  it('loading the same content again, under any name, adds nothing', async () => {
    const copy = join(dir, 'copy-of-orders.csv')
    writeFileSync(copy, ordersCsv())
    const summary = await loadHistory(twinflow, { stream: 'orders', files: [file, copy], mapping })
    expect(summary.files.map((f) => [f.status, f.partition, f.rows, f.inserted, f.rejected])).toEqual([
      ['skipped', partition, ROWS, 0, 40],
      ['skipped', partition, ROWS, 0, 40],
    ])
    expect(await masterRows(partition)).toEqual({ n: ROWS, distinct: ROWS, rejected: 40 })
  })

  it('a load cut off after some blocks resumes exactly after its last stored row', async () => {
    const other = join(dir, 'orders-2.ndjson')
    writeFileSync(
      other,
      Array.from({ length: 700 }, (_, i) => JSON.stringify({ orderId: `n${i}`, shopId: 's', customerId: 'c', amountCents: i, items: 1, status: 'paid', ts: NOW - i * 1000 })).join(
        '\n',
      ),
    )
    const engine = twinflow.get(BATCH_TOKENS.Engine)
    const ingestTsv = engine.ingestTsv.bind(engine)
    let calls = 0
    engine.ingestTsv = async (stream, text) => {
      if (++calls === 3) throw new TwinflowError('internal', 'the process died here')
      return ingestTsv(stream, text)
    }
    let summary: Awaited<ReturnType<typeof loadHistory>>
    try {
      summary = await loadHistory(twinflow, { stream: 'orders', files: [other], blockRows: 100 })
    } finally {
      engine.ingestTsv = ingestTsv
    }
    const [failed] = summary.files
    expect(failed).toMatchObject({ status: 'failed', inserted: 200, error: expect.stringContaining('the process died here') })
    expect(await masterRows(failed!.partition!)).toMatchObject({ n: 200, distinct: 200 })
    const resumed = await loadHistory(twinflow, { stream: 'orders', files: [other], blockRows: 100 })
    expect(resumed.files[0]).toMatchObject({ status: 'loaded', partition: failed!.partition, rows: 700, inserted: 500, rejected: 0 })
    expect(await masterRows(failed!.partition!)).toEqual({ n: 700, distinct: 700, rejected: 0 })
  })

  it('a bad mapping is a config error naming the key, before anything is read; a file that cannot be read fails alone', async () => {
    await expect(loadHistory(twinflow, { stream: 'orders', files: [file], mapping: { rename: { a: 'nope' } } })).rejects.toThrow(
      'mapping.rename.a: "nope" is not a field of stream "orders"',
    )
    const notArray = join(dir, 'not-array.json')
    writeFileSync(notArray, '{"orderId": "x"}')
    const summary = await loadHistory(twinflow, { stream: 'orders', files: [notArray, join(dir, 'missing.csv')] })
    expect(summary.files.map((f) => [f.status, f.error])).toEqual([
      ['failed', 'the file is not a JSON array (it starts with "{")'],
      ['failed', expect.stringContaining('ENOENT')],
    ])
  })
})
