import { createHash } from 'node:crypto'
import { Agent, request } from 'node:http'
import { getIntrospectionQuery } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { memoryLog } from './testing/memory-log.ts'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import { DAY, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

const ADMIN_KEY = 'admin-key-0123456789abcdef'
const DASHBOARD_KEY = 'dashboard-key-0123456789abcdef'
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex')
const iso = (t: number) => new Date(t).toISOString()
const LEGIT = `{ shopRevenue(from: "${iso(T - 7 * DAY)}", to: "${iso(T + DAY)}", granularity: DAY) { totalCount rows { windowStart shop orders revenueCents } } }`

/** A Prometheus sample value, e.g. metric('twinflow_graphql_rejections_total{reason="max_depth"}'). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

/** A POST on `agent` with a chunked body; fails when no answer has come within `timeoutMs`. */
function postChunked(agent: Agent, url: string, body: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...headers } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }))
    })
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', reject)
    const size = Math.max(1, Math.ceil(body.length / 64))
    for (let i = 0; i < body.length; i += size) req.write(body.slice(i, i + size))
    req.end()
  })
}

describe('serving protection: authentication, per-view access, CORS, limits, attacks, masked errors, operations', () => {
  let fixture: OnlineStoreFixture
  let admin: TestGraphQLClient
  let dashboard: TestGraphQLClient
  const log = memoryLog()

  beforeAll(async () => {
    fixture = await startOnlineStore(
      {
        serving: {
          port: 0,
          graphiql: false,
          auth: {
            mode: 'api-key',
            keys: [
              { name: 'admin', sha256: sha256(ADMIN_KEY), views: ['*'] },
              { name: 'dashboard', sha256: sha256(DASHBOARD_KEY), views: ['shopRevenue'] },
            ],
          },
          cors: { origins: ['https://dash.example.com'] },
        },
        ops: { port: 0 },
        log: { level: 'info' },
      },
      { logger: log.logger },
    )
    admin = new TestGraphQLClient(fixture.twinflow.url!, { 'x-api-key': ADMIN_KEY })
    dashboard = new TestGraphQLClient(fixture.twinflow.url!, { 'x-api-key': DASHBOARD_KEY })
  })
  afterAll(async () => {
    await fixture?.twinflow.stop()
  })

  const metrics = async () => (await fetch(`${fixture.twinflow.opsUrl}/metrics`)).text()

  it('an API key is required (401 before parsing), and a key reads only its views', async () => {
    for (const headers of [{}, { 'x-api-key': 'guess' }] as Record<string, string>[]) {
      const res = await new TestGraphQLClient(fixture.twinflow.url!, headers).query(LEGIT)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('ApiKey header="x-api-key"')
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    }
    expect((await dashboard.query(LEGIT)).data?.shopRevenue.totalCount).toBeGreaterThan(0)
    const forbidden = await dashboard.query(`{ orderMix(from: "${iso(T - DAY)}", to: "${iso(T)}") { totalCount } }`)
    expect(forbidden.status).toBeLessThan(500)
    expect(forbidden.errors?.[0]).toMatchObject({ message: '"dashboard" may not read view "orderMix"', extensions: { code: 'FORBIDDEN' } })
    const seen = await dashboard.query('{ pipeline { views { name } streams { name } deadLetters { stream } batchRuns { view } } }')
    expect(seen.data?.pipeline.views).toEqual([{ name: 'shopRevenue' }])
    expect(seen.data?.pipeline.streams).toEqual([{ name: 'orders' }])
    expect(new Set(seen.data?.pipeline.batchRuns.map((r: { view: string }) => r.view))).toEqual(new Set(['shopRevenue']))
    const sse = dashboard.sse()
    const live = sse.iterate({ query: `subscription { orderMix(from: "${iso(T)}", to: "${iso(T + DAY)}") { totalCount } }` })
    const refused = await live.next()
    expect(refused.value.errors?.[0]).toMatchObject({ message: '"dashboard" may not read view "orderMix"' })
    await live.return?.()
    sse.dispose()
  })

  it('CORS: only configured origins get access headers; a preflight needs no key', async () => {
    const preflight = (origin: string) =>
      fetch(fixture.twinflow.url!, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } })
    const allowed = await preflight('https://dash.example.com')
    expect(allowed.status).toBeLessThan(300)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://dash.example.com')
    const other = await preflight('https://evil.example.com')
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com')
    const simple = await fetch(fixture.twinflow.url!, {
      method: 'POST',
      headers: { origin: 'https://dash.example.com', 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ query: LEGIT }),
    })
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://dash.example.com')
    expect(simple.headers.get('access-control-expose-headers')).toContain('x-request-id')
  })

  it('attacks are refused before execution while legitimate queries keep answering: depth 50, 10k aliases, 1 MB, introspection flood', async () => {
    const before = await metrics()
    const truth = await admin.query(LEGIT)
    expect(truth.errors).toBeUndefined()

    // Depth 50 (only introspection types nest in this schema).
    let deep = 'name'
    for (let i = 0; i < 24; i++) deep = `fields { type { ${deep} } }`
    const depth = await admin.query(`{ __type(name: "Query") { ${deep} } }`)
    expect(depth.status).toBe(400)
    expect(depth.errors?.map((e) => e.message)).toContain('Query depth limit of 15 exceeded, found 50.')

    // 10 000 aliases: over the body limit; 1 000 aliases: over the token limit; 16 aliases: over the alias limit.
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`
    const tenThousand = await admin.query(aliases(10_000))
    expect(tenThousand.status).toBe(413)
    const thousand = await admin.query(aliases(1000))
    expect(thousand.status).toBe(400)
    expect(thousand.errors?.[0]?.message).toMatch(/Token limit of 1000 exceeded/)
    const sixteen = await admin.query(aliases(16))
    expect(sixteen.status).toBe(400)
    expect(sixteen.errors?.[0]).toMatchObject({ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })
    const viewAliases = await admin.query(`{ ${Array.from({ length: 16 }, (_, i) => `v${i}: shopRevenue(from: "${iso(T - DAY)}", to: "${iso(T)}") { totalCount }`).join(' ')} }`)
    expect(viewAliases.errors?.[0]?.message).toMatch(/Aliases limit of 15 exceeded/)

    // A 1 MB document.
    const huge = await admin.query(`{ shopRevenue(from: "${iso(T - DAY)}", to: "${iso(T)}") { totalCount } } # ${'x'.repeat(1024 * 1024)}`)
    expect(huge.status).toBe(413)
    expect(huge.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE')

    // An introspection flood from one client, with a legitimate query in the middle of it.
    const introspection = getIntrospectionQuery()
    const flood = Array.from({ length: 200 }, () => admin.query(introspection))
    const legit = admin.query(LEGIT)
    const answers = await Promise.all(flood)
    expect((await legit).data).toEqual(truth.data)
    const served = answers.filter((a) => a.status === 200 && a.data?.__schema)
    const limited = answers.filter((a) => a.status === 429)
    expect(served.length).toBeGreaterThan(0)
    expect(served.length).toBeLessThanOrEqual(60)
    expect(served.length + limited.length).toBe(200)
    expect(limited[0]!.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } })
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0)

    // Nothing of the attacks reached a view: only the two legitimate queries were read.
    const after = await metrics()
    const reads = (text: string) => sample(text, 'twinflow_view_reads_total{view="shopRevenue",form="series"}')
    expect(reads(after) - reads(before)).toBe(2)
    const rejected = (text: string, reason: string) => sample(text, `twinflow_graphql_rejections_total{reason="${reason}"}`)
    expect(rejected(after, 'max_depth') - rejected(before, 'max_depth')).toBe(1)
    expect(rejected(after, 'max_tokens') - rejected(before, 'max_tokens')).toBe(1)
    expect(rejected(after, 'max_aliases') - rejected(before, 'max_aliases')).toBe(2)
    expect(rejected(after, 'body_too_large') - rejected(before, 'body_too_large')).toBe(2)
    expect(rejected(after, 'introspection_rate') - rejected(before, 'introspection_rate')).toBe(limited.length)
  })

  it('a refused body does not hang a keep-alive connection: the next request on it is answered at once', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const big = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(2 * 1024 * 1024)}` })
    const small = JSON.stringify({ query: '{ __typename }' })
    try {
      for (let i = 0; i < 4; i++) {
        // Over the body limit: refused once 64 KiB are read, and the connection is closed.
        expect(await postChunked(agent, fixture.twinflow.url!, big, { 'x-api-key': ADMIN_KEY })).toEqual({ status: 413, connection: 'close' })
        expect((await postChunked(agent, fixture.twinflow.url!, small, { 'x-api-key': ADMIN_KEY }, 2000)).status).toBe(200)
        // Without a key: refused before the body is read; the server reads it to its end and keeps the connection.
        expect((await postChunked(agent, fixture.twinflow.url!, big, {})).status).toBe(401)
        expect((await postChunked(agent, fixture.twinflow.url!, small, { 'x-api-key': ADMIN_KEY }, 2000)).status).toBe(200)
      }
    } finally {
      agent.destroy()
    }
  })

  it('an internal error is masked, with the request id the log line has', async () => {
    const store = fixture.twinflow.get(TOKENS.RealtimeStore)
    const readMarkedWindows = store.readMarkedWindows.bind(store)
    store.readMarkedWindows = async () => {
      throw new Error('redis exploded at 10.0.0.7')
    }
    try {
      const res = await fetch(fixture.twinflow.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY, 'x-request-id': 'req-0042' },
        body: JSON.stringify({ query: `{ shopRevenue(from: "${iso(T - DAY)}", to: "${iso(T + DAY)}") { totalCount } }` }),
      })
      const body = await res.text()
      expect(res.headers.get('x-request-id')).toBe('req-0042')
      expect(body).not.toContain('10.0.0.7')
      expect(JSON.parse(body).errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-0042' } })])
    } finally {
      store.readMarkedWindows = readMarkedWindows
    }
    const lines = log.records().filter((r) => r.requestId === 'req-0042')
    expect(lines.find((r) => r.level === 'error')).toMatchObject({ msg: 'unexpected error while answering a GraphQL request', error: { message: 'redis exploded at 10.0.0.7' } })
    expect(lines.find((r) => r.msg === 'graphql request')).toMatchObject({ level: 'info', status: 200, principal: 'admin', operation: 'query' })
  })

  it('/healthz, /readyz and /metrics on the ops port; ready only while every runtime answers', async () => {
    const ops = fixture.twinflow.opsUrl!
    expect(ops).not.toBe(new URL(fixture.twinflow.url!).origin)
    expect((await fetch(`${new URL(fixture.twinflow.url!).origin}/metrics`)).status).toBe(404)
    expect(await (await fetch(`${ops}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${ops}/readyz`)
    expect(ready.status).toBe(200)
    expect(Object.keys((await ready.json()).checks).sort()).toEqual(['batchEngine', 'eventLog', 'realtimeStore', 'speedWorker'])
    const text = await metrics()
    for (const series of [
      'twinflow_graphql_http_requests_total{status="200"}',
      'twinflow_graphql_http_request_duration_seconds_count{status="200"}',
      'twinflow_graphql_operations_total{type="query",outcome="ok"}',
      'twinflow_dead_letters_total{stream="orders",stage="archiver"}',
      'twinflow_speed_invalid_records_total',
      'twinflow_speed_records_total',
      'twinflow_speed_lag_records{topic="twinflow.orders",partition="0"}',
      'twinflow_archiver_lag_records{stream="orders",partition="0"}',
      'twinflow_batch_cache_hits_total',
      'process_cpu_user_seconds_total',
    ]) {
      expect(
        text.split('\n').some((l) => l.startsWith(`${series} `)),
        series,
      ).toBe(true)
    }
    expect(sample(text, 'twinflow_speed_invalid_records_total')).toBe(3)
    expect(sample(text, 'twinflow_speed_lag_records{topic="twinflow.orders",partition="0"}')).toBe(0)

    // The realtime store stops answering: not ready, with the check that failed.
    const store = fixture.twinflow.get(TOKENS.RealtimeStore)
    await store.stop()
    const notReady = await fetch(`${ops}/readyz`)
    expect(notReady.status).toBe(503)
    expect((await notReady.json()).checks.realtimeStore).toMatchObject({ ok: false, error: 'unavailable' })
    await store.start(fixture.twinflow.pipeline)
    expect((await fetch(`${ops}/readyz`)).status).toBe(200)
  })
})
