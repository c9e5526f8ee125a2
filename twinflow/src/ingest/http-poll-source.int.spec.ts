// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` in these strings is the config files' syntax under test, not a template.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOKENS } from '@twinflow/core'
import { onlineStorePipelineModule } from '@twinflow/example-online-store'
import { afterAll, describe, expect, it } from 'vitest'
import { createTwinflow } from '../app/create-twinflow.ts'
import type { Twinflow } from '../app/twinflow.ts'
import { loadConfigFile } from '../config/load-config-file.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'
import { pollUntil } from '../testing/poll-until.ts'

const HOUR = 3_600_000
const BASE = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR

/** The shop system's orders table, as its API serves them. */
interface ApiOrder {
  order_id: string
  shop: string
  cents: number
  updated: string
}
const table: ApiOrder[] = []
/** New orders: ids sort after the older ones, so that a poll paging through the table meanwhile skips none (see Poll an HTTP API in the README). */
const add = (n: number, at: number) => {
  for (let i = 0; i < n; i++)
    table.push({ order_id: `o${String(table.length).padStart(4, '0')}`, shop: `shop-${table.length % 2}`, cents: 100 + table.length, updated: new Date(at).toISOString() })
}
const requests: { auth: string | undefined; query: string }[] = []

/** GET /v1/orders?updated_since=...&cursor=...: 5 a page, by `updated` then id, `updated >= since`; the first answer is a 500 and the second is not JSON. */
const api = createServer((req, res) => {
  const url = new URL(req.url!, 'http://x')
  requests.push({ auth: req.headers.authorization, query: url.search })
  if (requests.length === 1) {
    res.writeHead(500)
    return res.end('upstream timeout')
  }
  if (requests.length === 2) {
    res.writeHead(200, { 'content-type': 'application/json' })
    return res.end('{"data": [{"order_id": "o0", ')
  }
  if (req.headers.authorization !== 'Bearer tok-123') {
    res.writeHead(401, { 'content-type': 'application/json' })
    return res.end('{"error":"bad token"}')
  }
  const since = url.searchParams.get('updated_since')
  const rows = table
    .filter((o) => since === null || o.updated >= since)
    .sort((a, b) => (a.updated === b.updated ? (a.order_id < b.order_id ? -1 : 1) : a.updated < b.updated ? -1 : 1))
  const from = Number(url.searchParams.get('cursor') ?? 0)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ data: rows.slice(from, from + 5), next: from + 5 < rows.length ? String(from + 5) : null }))
})
await new Promise<void>((r) => api.listen(0, '127.0.0.1', r))
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/orders`

const dir = mkdtempSync(join(tmpdir(), 'twinflow-http-poll-'))
afterAll(async () => {
  api.closeAllConnections()
  await new Promise((r) => api.close(r))
  rmSync(dir, { recursive: true, force: true })
})

function truth(): Record<string, { orders: number; revenueCents: number }> {
  const out: Record<string, { orders: number; revenueCents: number }> = {}
  for (const o of table) {
    const s = (out[o.shop] ??= { orders: 0, revenueCents: 0 })
    s.orders++
    s.revenueCents += o.cents
  }
  return out
}

async function answer(tf: Twinflow) {
  const from = new Date(BASE - 24 * HOUR).toISOString()
  const to = new Date(BASE + 24 * HOUR).toISOString()
  const res = await graphqlRequest<{ shopRevenue: { rows: { shop: string; orders: number; revenueCents: number }[] } }>(
    tf.url!,
    `{ shopRevenue(from: "${from}", to: "${to}") { rows { shop orders revenueCents } } }`,
  )
  if (res.errors) throw new Error(JSON.stringify(res.errors))
  const out: Record<string, { orders: number; revenueCents: number }> = {}
  for (const r of res.data!.shopRevenue.rows) {
    const s = (out[r.shop] ??= { orders: 0, revenueCents: 0 })
    s.orders += r.orders
    s.revenueCents += r.revenueCents
  }
  return out
}

describe('the http-poll source in a Twinflow process, configured by a file', () => {
  const file = join(dir, 'twinflow.json')
  writeFileSync(
    file,
    JSON.stringify({
      pipeline: onlineStorePipelineModule,
      dataDir: join(dir, 'data'),
      sources: [
        {
          plugin: 'http-poll',
          name: 'shop-api',
          options: {
            stream: 'orders',
            url: apiUrl,
            headers: { Authorization: 'Bearer ${SHOP_API_TOKEN}' },
            recordsPath: 'data',
            pagination: { type: 'cursor', path: 'next', param: 'cursor' },
            incremental: { field: 'updated', param: 'updated_since', key: 'order_id' },
            intervalMs: 300,
            initialBackoffMs: 50,
          },
          mapping: { rename: { order_id: 'orderId', shop: 'shopId', cents: 'amountCents', updated: 'ts' }, constants: { customerId: 'api', items: 1, status: 'paid' } },
        },
      ],
      speed: { foldThreads: 0 },
      serving: { port: 0, graphiql: false },
      log: { level: 'warn' },
    }),
  )

  it('an unset secret fails at load, naming the variable and where it is used', async () => {
    await expect(loadConfigFile(file, { variables: () => undefined })).rejects.toThrow(
      /names environment variables that are not set[\s\S]*sources\[0\]\.options\.headers\.Authorization: environment variable SHOP_API_TOKEN is not set/,
    )
  })

  it('twinflow check makes the sources: a cron expression the scheduler cannot run fails there, naming the source', async () => {
    const loaded = await loadConfigFile(file, { variables: () => 'x' })
    const source = loaded.config.sources[0]!
    source.options = { ...(source.options as object), intervalMs: undefined, cron: '61 * * * *' }
    await expect(createTwinflow(loaded).validate()).rejects.toThrow(/schedule "source shop-api": invalid cron expression "61 \* \* \* \*"/)
  })

  it('polls the API through a 500 and a broken body, pages, and polls again from the watermark: every order once in the answer', async () => {
    add(12, BASE)
    const loaded = await loadConfigFile(file, { variables: (name) => (name === 'SHOP_API_TOKEN' ? 'tok-123' : undefined) })
    const tf = createTwinflow(loaded)
    await tf.start(['ingest', 'speed', 'serve'])
    try {
      await pollUntil(
        'the first orders',
        () => answer(tf),
        (a) => JSON.stringify(a) === JSON.stringify(truth()),
      )
      // New orders, some at the same instant as the newest already read (the API's filter is >=).
      add(3, BASE)
      add(4, BASE + HOUR)
      await pollUntil(
        'the new orders',
        () => answer(tf),
        (a) => JSON.stringify(a) === JSON.stringify(truth()),
      )
      const log = tf.get(TOKENS.EventLog)
      const inLog = async () => [...(await log.endOffsets(loaded.pipeline.stream('orders').topic)).values()].reduce((a, b) => a + b, 0)
      await new Promise((r) => setTimeout(r, 1000)) // a few more polls: nothing more arrives
      expect(await inLog()).toBe(table.length)
      expect(requests.slice(2).every((r) => r.auth === 'Bearer tok-123')).toBe(true)
      expect(requests.at(-1)!.query).toBe(`?updated_since=${encodeURIComponent(new Date(BASE + HOUR).toISOString())}`)
    } finally {
      await tf.stop()
    }
  })
})
