import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import {
  dayRange,
  emptyBook,
  eventually,
  expectServedTruth,
  groupLag,
  HOUR,
  sleep,
  SPEED_GROUP,
  Stack,
  startLoad,
  TOPICS,
  totalLag,
  type TwinflowProcess,
} from '../src/harness/index.ts'

// Scenario 3: Redis (AOF on, fsync at every write) is killed and restarted while a speed worker
// process applies a steady load. Acknowledged writes survive in the AOF; the batches that failed
// while Redis was down are redelivered and fenced, so after recovery the view equals the truth.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])

describe.skipIf(env.skip)('scenario 3: Redis restarted under load', { timeout: 240_000 }, () => {
  let stack: Stack
  let url: string
  let speed: TwinflowProcess
  const T = Date.now()
  const book = emptyBook()
  const events = {
    orders: generateOrders(30_000, { seed: 31, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(10_000, { seed: 32, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
  }
  const range = dayRange(T - 3 * HOUR, T + HOUR)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images, redisAppendOnly: true, stablePorts: true })
    await stack.createTopics()
    const config = stack.writeConfig()
    const [worker, serve] = await Promise.all([stack.startRole('speed', config), stack.startServe(config)])
    speed = worker
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    await stack?.stop()
  }, 120_000)

  it('after Redis is killed and restarted mid-load, the realtime view equals the truth', async () => {
    onTestFailed(() => console.error(stack.report()))
    const load = startLoad(stack, book, events, { chunk: 500, intervalMs: 250 })
    await sleep(5000)
    const before = load.produced()
    // SIGKILL: no shutdown save; only the AOF (fsync always) keeps the data. Down for 3 s, longer
    // than the client's own reconnect-and-resend, so batches fail and are redelivered.
    await stack.redis.kill()
    await sleep(3000)
    await stack.redis.startServer()
    console.info(`scenario 3: Redis killed after ${before} events, back at ${load.produced()}`)
    expect(load.produced()).toBeLessThan(events.orders.length + events.pageViews.length)
    await load.done
    expect(speed.output(), 'the speed worker saw Redis go away').toMatch(/redis \w+ failed/)
    await expectServedTruth(url, book, range, { timeoutMs: 90_000 })
    const lag = await eventually(
      () => groupLag(stack.kafka.getBrokers(), SPEED_GROUP, Object.values(TOPICS)),
      (l) => totalLag(l) === 0,
      30_000,
    )
    expect(totalLag(lag)).toBe(0)
  })
})
