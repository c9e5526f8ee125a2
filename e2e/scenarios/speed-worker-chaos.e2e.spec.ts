import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { seededRandom } from '@twinflow/plugin-generator'
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

// Scenario 2: speed workers as processes of one consumer group, killed with SIGKILL at random
// points under load, one frozen (SIGSTOP) past the session timeout and thawed, the group scaled
// 1 -> 2 -> 1. The realtime view (no batch published: every window comes from Redis) must equal
// the truth: nothing lost, nothing counted twice.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const SESSION_TIMEOUT_MS = 6000
const SEED = 20261123

describe.skipIf(env.skip)('scenario 2: speed workers killed, frozen and scaled under load', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  const T = Date.now()
  const book = emptyBook()
  const events = {
    orders: generateOrders(45_000, { seed: 21, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(15_000, { seed: 22, from: T - 2 * HOUR, to: T + 10 * 60_000 }),
  }
  const range = dayRange(T - 3 * HOUR, T + HOUR)
  const random = seededRandom(SEED)
  const between = (min: number, max: number) => Math.round(min + random() * (max - min))
  const steps: string[] = []
  const step = (what: string) => steps.push(`${((Date.now() - T) / 1000).toFixed(1)}s ${what}`)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images })
    await stack.createTopics()
    config = stack.writeConfig({ kafka: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000 }, speed: { maxBatchSize: 500 } })
    url = (await stack.startServe(config)).url
  }, 240_000)

  afterAll(async () => {
    console.info(`scenario 2 (seed ${SEED}) steps:\n  ${steps.join('\n  ')}`)
    await stack?.stop()
  }, 120_000)

  it('realtime view equals the truth after kills, a freeze past the session timeout and scaling 1 -> 2 -> 1', async () => {
    onTestFailed(() => console.error(stack.report()))
    let a: TwinflowProcess = await stack.startRole('speed', config, 'speed-a')
    step('speed-a started (1 worker)')
    const load = startLoad(stack, book, events, { chunk: 500, intervalMs: 300 })

    await sleep(between(1000, 4000))
    a.signal('SIGKILL')
    step(`SIGKILL speed-a after ${load.produced()} events`)
    a = await stack.startRole('speed', config, 'speed-a2')
    step('speed-a2 started (1 worker)')

    await sleep(between(1000, 3000))
    const b = await stack.startRole('speed', config, 'speed-b')
    step('speed-b started (2 workers)')

    await sleep(between(2000, 4000))
    b.signal('SIGSTOP')
    step(`SIGSTOP speed-b after ${load.produced()} events`)
    await sleep(SESSION_TIMEOUT_MS + 3000)
    b.signal('SIGCONT')
    step('SIGCONT speed-b (it was evicted: its in-flight batch is a zombie write, fenced)')

    await sleep(between(1000, 3000))
    a.signal('SIGKILL')
    step(`SIGKILL speed-a2 after ${load.produced()} events (1 worker left)`)

    await sleep(between(2000, 4000))
    const c = await stack.startRole('speed', config, 'speed-c')
    step('speed-c started (2 workers)')
    await sleep(between(1000, 3000))
    await b.stop()
    const stats = /"stats":(\{[^}]*\})[^\n]*"msg":"speed worker stopped"/.exec(b.output())?.[1]
    step(`SIGTERM speed-b: graceful leave (1 worker); its stats: ${stats ?? 'not logged'}`)

    await load.done
    step(`load done: ${load.produced()} events`)
    expect(c.running).toBe(true)
    await expectServedTruth(url, book, range, { timeoutMs: 90_000 })
    step('served = truth')
    const lag = await eventually(
      () => groupLag(stack.kafka.getBrokers(), SPEED_GROUP, Object.values(TOPICS)),
      (l) => totalLag(l) === 0,
      30_000,
    )
    expect(totalLag(lag)).toBe(0)
  })
})
