import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { memoryLog } from './testing/memory-log.ts'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import { cutoffOf, DAY, HOUR, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

const TIMEOUT_MS = 500
const iso = (t: number) => new Date(t).toISOString()
/** Reads the batch version below the cutoff and the realtime store above it. */
const SERIES = `{ shopRevenue(from: "${iso(T - DAY)}", to: "${iso(T + DAY)}") { totalCount } }`

/** A promise that settles only when told to: a read that never answers until the test releases it. */
function hanging<T>(): { promise: Promise<T>; release: (value: T | Promise<T>) => void } {
  let release!: (value: T | Promise<T>) => void
  const promise = new Promise<T>((resolve) => (release = resolve))
  return { promise, release }
}

/** POSTs a query with a deadline of its own, so that a request the server never answers fails the test instead of hanging it. */
async function post(url: string, query: string, requestId: string): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now()
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(10 * TIMEOUT_MS),
  })
  return { status: res.status, body: await res.json(), ms: performance.now() - started }
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe(`the execution deadline (serving.limits.executionTimeoutMs = ${TIMEOUT_MS})`, () => {
  let fixture: OnlineStoreFixture
  const log = memoryLog()

  beforeAll(async () => {
    fixture = await startOnlineStore(
      { serving: { port: 0, graphiql: false, subscriptions: { pollIntervalMs: 50 }, limits: { executionTimeoutMs: TIMEOUT_MS } }, log: { level: 'info' } },
      { logger: log.logger },
    )
  })
  afterAll(async () => {
    await fixture?.twinflow.stop()
  })

  const timeouts = async () => sample(await (await fetch(`${fixture.twinflow.opsUrl}/metrics`)).text(), 'twinflow_graphql_operations_total{type="query",outcome="timeout"}')

  it('a query whose realtime read never answers gets a TIMEOUT error at the deadline; the server answers other queries meanwhile and recovers', async () => {
    const store = fixture.twinflow.get(TOKENS.RealtimeStore)
    const readMarkedWindows = store.readMarkedWindows
    const stuck = hanging<Awaited<ReturnType<typeof store.readMarkedWindows>>>()
    let calls = 0
    store.readMarkedWindows = () => {
      calls++
      return stuck.promise
    }
    const before = await timeouts()
    try {
      const [slow, other] = await Promise.all([post(fixture.twinflow.url!, SERIES, 'slow-1'), post(fixture.twinflow.url!, '{ pipeline { views { name } } }', 'other-1')])
      expect(calls).toBe(1)
      expect(slow.status).toBe(200)
      expect(slow.body).toEqual({
        data: null,
        errors: [
          {
            message: `the query did not complete within ${TIMEOUT_MS} ms (serving.limits.executionTimeoutMs)`,
            extensions: { code: 'TIMEOUT', requestId: 'slow-1' },
          },
        ],
      })
      expect(slow.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
      expect(slow.ms).toBeLessThan(TIMEOUT_MS + 1500)
      expect(other.body.data.pipeline.views).toHaveLength(3)
      expect(other.ms).toBeLessThan(TIMEOUT_MS)
      expect((await timeouts()) - before).toBe(1)
      expect(log.records().find((r) => r.requestId === 'slow-1' && r.msg === 'graphql request timed out')).toMatchObject({ level: 'warn', timeoutMs: TIMEOUT_MS })
    } finally {
      // The read answers at last: its result is dropped (the request was answered), and the next
      // request reads again and is answered in full.
      stuck.release(readMarkedWindows.call(store, 'shopRevenue', cutoffOf(HOUR), T + DAY))
      store.readMarkedWindows = readMarkedWindows
    }
    const after = await post(fixture.twinflow.url!, SERIES, 'after-1')
    expect(after.body.errors).toBeUndefined()
    expect(after.body.data.shopRevenue.totalCount).toBeGreaterThan(0)
  })

  it('so does a query whose batch engine read never answers', async () => {
    const engine = fixture.twinflow.get(TOKENS.BatchEngine)
    const runs = engine.runs
    const stuck = hanging<Awaited<ReturnType<typeof engine.runs>>>()
    engine.runs = () => stuck.promise
    try {
      const res = await post(fixture.twinflow.url!, '{ pipeline { batchRuns { view status } } }', 'slow-2')
      expect(res.body.data).toBeNull()
      expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'TIMEOUT', requestId: 'slow-2' } })])
    } finally {
      stuck.release([])
      engine.runs = runs
    }
  })

  it('does not bind subscriptions: one pushes its answers long past the deadline', async () => {
    const sse = new TestGraphQLClient(fixture.twinflow.url!).sse()
    const updates = sse.iterate<any>({
      query: `subscription($from: DateTime!, $to: DateTime!) { shopRevenue(from: $from, to: $to, where: { shop: "shop-late" }) { rows { shop orders } } }`,
      variables: { from: iso(cutoffOf(HOUR)), to: iso(T + 2 * HOUR) },
    })
    try {
      expect((await updates.next()).value).toEqual({ data: { shopRevenue: { rows: [] } } })
      await new Promise((r) => setTimeout(r, 3 * TIMEOUT_MS))
      await fixture.produce('orders', [{ orderId: 'late-1', shopId: 'shop-late', customerId: 'c-1', amountCents: 100, items: 1, status: 'paid', ts: T + 60_000 }])
      expect((await updates.next()).value).toEqual({ data: { shopRevenue: { rows: [{ shop: 'shop-late', orders: 1 }] } } })
    } finally {
      await updates.return?.()
      sse.dispose()
    }
  })
})
