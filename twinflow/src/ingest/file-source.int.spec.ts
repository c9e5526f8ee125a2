import { mkdtempSync, rmSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count, definePipeline, defineStream, defineView, sum, t, TOKENS } from '@twinflow/core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createTwinflow } from '../app/create-twinflow.ts'
import type { Twinflow } from '../app/twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'
import { pollUntil } from '../testing/poll-until.ts'

const orders = defineStream('orders', { orderId: t.string(), shop: t.string(), amountCents: t.int64(), ts: t.eventTime() })
const revenue = defineView('revenue', orders, {
  groupBy: (o) => ({ shop: o.shop }),
  window: '1h',
  measures: (o) => ({ orders: count(), revenueCents: sum(o.amountCents) }),
})
const pipeline = definePipeline({ streams: [orders], views: [revenue] })

const HOUR = 3_600_000
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR
const FROM = new Date(BASE - 24 * HOUR).toISOString()
const TO = new Date(BASE + 24 * HOUR).toISOString()
/** A CSV export's columns, renamed by the source's mapping; times in a zone. */
const mapping = {
  rename: { order_id: 'orderId', amount: 'amountCents', created: 'ts' },
  timestamps: { ts: { format: 'pattern', pattern: "yyyy-MM-dd'T'HH:mm:ss", zone: 'UTC' } },
}
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19)

interface Row {
  id: string
  shop: string
  cents: number
  at: number
}
const csvOf = (rows: readonly Row[]) => `order_id,shop,amount,created\n${rows.map((r) => `${r.id},${r.shop},${r.cents},${stamp(r.at)}`).join('\n')}\n`
const rowsOf = (prefix: string, n: number): Row[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, shop: `shop-${i % 3}`, cents: 100 + (i % 17), at: BASE + ((i * 7919) % (5 * HOUR)) }))

/** Per shop: orders and revenue, as the view must answer them. */
function truth(rows: readonly Row[]): Record<string, { orders: number; revenueCents: number }> {
  const out: Record<string, { orders: number; revenueCents: number }> = {}
  for (const r of rows) {
    const s = (out[r.shop] ??= { orders: 0, revenueCents: 0 })
    s.orders++
    s.revenueCents += r.cents
  }
  return out
}

async function answer(tf: Twinflow): Promise<Record<string, { orders: number; revenueCents: number }>> {
  const res = await graphqlRequest<{ revenue: { rows: { shop: string; orders: number; revenueCents: number }[] } }>(
    tf.url!,
    `{ revenue(from: "${FROM}", to: "${TO}", limit: 10000) { rows { shop orders revenueCents } } }`,
  )
  if (res.errors) throw new Error(JSON.stringify(res.errors))
  const out: Record<string, { orders: number; revenueCents: number }> = {}
  for (const r of res.data!.revenue.rows) {
    const s = (out[r.shop] ??= { orders: 0, revenueCents: 0 })
    s.orders += r.orders
    s.revenueCents += r.revenueCents
  }
  return out
}

const folders: string[] = []
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true })
})

describe('the file source in a Twinflow process', () => {
  let tf: Twinflow | undefined
  afterEach(async () => {
    await tf?.stop()
    tf = undefined
  })

  it('files dropped into a watched folder become events in the GraphQL answer; bad rows are dead letters with file and line', async () => {
    const inbox = mkdtempSync(join(tmpdir(), 'twinflow-inbox-'))
    folders.push(inbox)
    const config = embeddedTestConfig({
      sources: [{ plugin: 'file', name: 'exports', options: { stream: 'orders', path: join(inbox, '*.csv'), mode: 'watch', pollIntervalMs: 100 }, mapping }],
      speed: { foldThreads: 0 },
    })
    folders.push(config.dataDir)
    tf = createTwinflow({ pipeline, config })
    await tf.start(['ingest', 'archiver', 'speed', 'serve'])
    expect(await answer(tf)).toEqual({})

    const first = rowsOf('a', 50)
    await writeFile(join(inbox, 'orders-2026-03.csv'), `${csvOf(first)}bad-1,shop-0,twelve,${stamp(BASE)}\n`)
    await pollUntil(
      'first file',
      () => answer(tf!),
      (a) => JSON.stringify(a) === JSON.stringify(truth(first)),
    )

    // A second export, written elsewhere and moved in (as a finished file should be).
    const second = rowsOf('b', 30)
    await writeFile(join(tmpdir(), 'orders-2026-04.csv.part'), csvOf(second))
    await rename(join(tmpdir(), 'orders-2026-04.csv.part'), join(inbox, 'orders-2026-04.csv'))
    await pollUntil(
      'both files',
      () => answer(tf!),
      (a) => JSON.stringify(a) === JSON.stringify(truth([...first, ...second])),
    )

    const letters = await graphqlRequest<{ pipeline: { rejectedInputs: { items: { stage: string; source: string; position: string; reason: string }[] } } }>(
      tf.url!,
      '{ pipeline { rejectedInputs(stream: "orders") { items { stage source position reason } } } }',
    )
    expect(letters.data!.pipeline.rejectedInputs.items).toEqual([
      {
        stage: 'ingest',
        source: 'exports',
        position: 'orders-2026-03.csv:line 52',
        reason: expect.stringMatching(/^mapping: field "amountCents" \(input "amount"\): "twelve" is not an integer/),
      },
    ])
  })

  it('a process stopped mid-file and started again on the same data directory goes on exactly where it was', async () => {
    const inbox = mkdtempSync(join(tmpdir(), 'twinflow-inbox-'))
    folders.push(inbox)
    const rows = rowsOf('r', 30_000)
    await writeFile(join(inbox, 'big.csv'), csvOf(rows))
    const config = embeddedTestConfig({
      sources: [{ plugin: 'file', name: 'history', options: { stream: 'orders', path: join(inbox, 'big.csv'), batchSize: 200 }, mapping }],
      speed: { foldThreads: 0 },
    })
    folders.push(config.dataDir)
    const logged = async (t: Twinflow) => [...(await t.get(TOKENS.EventLog).endOffsets(orders.topic)).values()].reduce((a, b) => a + b, 0)

    // (No archiver: its embedded ClickHouse shares the event loop and slows ingest down tenfold.)
    tf = createTwinflow({ pipeline, config })
    await tf.start(['ingest', 'speed', 'serve'])
    const atStop = await pollUntil(
      'some events in the log',
      () => logged(tf!),
      (n) => n > 0,
      30_000,
    )
    await tf.stop()
    const stopped = await (async () => {
      const t = createTwinflow({ pipeline, config })
      await t.start([], { connect: ['ingest'] })
      try {
        return await logged(t)
      } finally {
        await t.stop()
      }
    })()
    // Stopped mid-file: some of the file is in the log, not all.
    expect(stopped).toBeGreaterThanOrEqual(atStop)
    expect(stopped).toBeLessThan(rows.length)

    tf = createTwinflow({ pipeline, config })
    await tf.start(['ingest', 'speed', 'serve'])
    await pollUntil(
      'the whole file',
      () => logged(tf!),
      (n) => n >= rows.length,
    )
    expect(await answer(tf)).toEqual(truth(rows))
    // Nothing more comes: each row once.
    await new Promise((r) => setTimeout(r, 500))
    expect(await logged(tf)).toBe(rows.length)
  })
})
