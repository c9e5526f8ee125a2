import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { dayRange, emptyBook, expectLagReturnsToZero, expectServedTruth, HOUR, sleep, Stack, startLoad } from '../src/harness/index.ts'

// Scenario 4: the Kafka broker is frozen (SIGSTOP to its JVM) for longer than the consumers' session
// timeout while the archiver and a speed worker run under load, then thawed. Nothing is lost or
// counted twice: the realtime view equals the truth, both groups' lag returns to zero, and a batch
// run over the master table (what the archiver wrote) equals the truth too.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const SESSION_TIMEOUT_MS = 6000
const PAUSE_MS = SESSION_TIMEOUT_MS + 6000

describe.skipIf(env.skip)('scenario 4: Kafka broker paused past the session timeout', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  const T = Date.now()
  const book = emptyBook()
  const events = {
    orders: generateOrders(30_000, { seed: 41, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(10_000, { seed: 42, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
  }
  const range = dayRange(T - 3 * HOUR, T + HOUR)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images })
    await stack.createTopics()
    config = stack.writeConfig({ kafka: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000 } })
    const [, , serve] = await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config), stack.startServe(config)])
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    await stack?.kafka.thaw().catch(() => {})
    await stack?.stop()
  }, 120_000)

  it('no loss and no double count after the pause; lag returns to zero', async () => {
    onTestFailed(() => console.error(stack.report()))
    const load = startLoad(stack, book, events, { chunk: 500, intervalMs: 250 })
    await sleep(4000)
    await stack.kafka.freeze()
    const pausedAt = load.produced()
    await sleep(PAUSE_MS)
    await stack.kafka.thaw()
    console.info(`scenario 4: broker paused ${PAUSE_MS} ms after ${pausedAt} events`)
    await load.done
    expect(pausedAt).toBeLessThan(events.orders.length + events.pageViews.length)
    await expectServedTruth(url, book, range, { timeoutMs: 120_000 })
    await expectLagReturnsToZero(stack.kafka.getBrokers(), 60_000)
    // The master table holds every event once: a batch run over it gives the same truth.
    const { code, runs } = await stack.batchRun(config)
    expect(code, JSON.stringify(runs)).toBe(0)
    await expectServedTruth(url, book, range, { timeoutMs: 60_000 })
  })
})
