import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, type Order } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { dayRange, emptyBook, expectLagReturnsToZero, expectServedTruth, HOUR, sleep, Stack, TOPICS } from '../src/harness/index.ts'

// Scenario: events sent over HTTP (the `http` source of a `twinflow start --role ingest` process,
// with an API key that may only ingest) into Kafka, by 4 clients posting NDJSON batches with an
// Idempotency-Key each, retrying a batch with its key until it is answered 200 (honouring
// Retry-After). Mid-load the broker is frozen (SIGSTOP) longer than the source's ackTimeoutMs: the
// clients get 503s with Retry-After, then the broker is thawed and every batch goes through. Every
// event is in the orders topic exactly once, and the served answers (speed layer, then after a batch
// run the batch layer's) equal the truth computed from the events sent.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const KEY = 'e2e-orders-sender'
const ACK_TIMEOUT_MS = 3000
const FREEZE_MS = 12_000
const CLIENTS = 4
const PER_REQUEST = 250

describe.skipIf(env.skip)('scenario: HTTP ingest into Kafka through a broker outage', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  let ingestUrl: string
  const T = Date.now()
  const book = emptyBook()
  const orders = generateOrders(30_000, { seed: 91, from: T - 2 * HOUR, to: T + 10 * 60_000 })
  const range = dayRange(T - 3 * HOUR, T + HOUR)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images })
    await stack.createTopics()
    config = stack.writeConfig()
    // The ingest process takes API keys; an ingest-only key is all its clients have.
    const ingestConfig = stack.writeConfig({
      sources: [{ plugin: 'http', name: 'orders-http', options: { stream: 'orders', ackTimeoutMs: ACK_TIMEOUT_MS, retryAfterSeconds: 1 } }],
      serving: { auth: { mode: 'api-key', keys: [{ name: 'shop-backend', sha256: createHash('sha256').update(KEY).digest('hex'), ingest: ['orders'] }] } },
    })
    const [, , serve, ingest] = await Promise.all([
      stack.startRole('archiver', config),
      stack.startRole('speed', config),
      stack.startServe(config),
      stack.startRole('ingest', ingestConfig),
    ])
    url = serve.url
    const [, base] = await ingest.waitForOutput(/Operations: (http:\/\/[^/\s]+)\/healthz/, 10_000)
    ingestUrl = `${base}/ingest/orders`
  }, 240_000)

  afterAll(async () => {
    await stack?.kafka.thaw().catch(() => {})
    await stack?.stop()
  }, 120_000)

  it('answers 503 with Retry-After while the broker is frozen, and then appends every batch exactly once', async () => {
    onTestFailed(() => console.error(stack.report()))
    const statuses = new Map<number | string, number>()
    const count = (status: number | string) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
    let retryAfterSeen = 0
    /** Posts a batch with its key until it is answered 200; records its events in the book then. */
    const send = async (batch: Order[], key: string) => {
      const body = `${batch.map((o) => JSON.stringify(o)).join('\n')}\n`
      for (;;) {
        let status: number | string
        let wait = 500
        try {
          const res = await fetch(ingestUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson', 'x-api-key': KEY, 'idempotency-key': key },
            body,
            signal: AbortSignal.timeout(30_000),
          })
          const answer = (await res.json()) as { accepted?: number; rejected?: unknown[] }
          status = res.status
          if (status === 200) {
            expect(answer).toMatchObject({ accepted: batch.length, rejected: [] })
            count(200)
            book.orders.push(...batch)
            return
          }
          if (status !== 503 && status !== 429) throw new Error(`HTTP ${status}: ${JSON.stringify(answer)}`)
          const retryAfter = Number(res.headers.get('retry-after'))
          if (retryAfter > 0) {
            retryAfterSeen++
            wait = retryAfter * 1000
          }
        } catch (error) {
          if ((error as Error).message.startsWith('HTTP ')) throw error
          status = 'network error'
        }
        count(status)
        await sleep(wait)
      }
    }
    const batches = Array.from({ length: Math.ceil(orders.length / PER_REQUEST) }, (_, i) => orders.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST))
    let next = 0
    const load = Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < batches.length; i = next++) {
          await send(batches[i]!, `orders-batch-${i}`)
          await sleep(300)
        }
      }),
    )
    await sleep(3000)
    await stack.kafka.freeze()
    const frozenAt = book.orders.length
    await sleep(FREEZE_MS)
    await stack.kafka.thaw()
    await load
    console.info(`http ingest scenario: broker frozen ${FREEZE_MS} ms after ${frozenAt} events; answers: ${JSON.stringify(Object.fromEntries(statuses))}`)
    expect(frozenAt).toBeGreaterThan(0)
    expect(frozenAt).toBeLessThan(orders.length)
    expect(statuses.get(503)).toBeGreaterThan(0)
    expect(retryAfterSeen).toBeGreaterThan(0)
    expect(book.orders).toHaveLength(orders.length)

    // Exactly once in the log, whatever was retried.
    const ends = await (await stack.log()).endOffsets(TOPICS.orders)
    expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(orders.length)
    await expectServedTruth(url, book, range, { views: ['shopRevenue', 'orderMix'], timeoutMs: 120_000 })
    await expectLagReturnsToZero(stack.kafka.getBrokers(), 60_000)
    // The batch layer's answer: a run over the master table gives the same truth.
    const { code, runs } = await stack.batchRun(config)
    expect(code, JSON.stringify(runs)).toBe(0)
    await expectServedTruth(url, book, range, { views: ['shopRevenue', 'orderMix'], timeoutMs: 60_000 })
  })
})
