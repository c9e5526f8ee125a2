import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import {
  ARCHIVER_GROUP,
  dayRange,
  emptyBook,
  eventually,
  expectServedTruth,
  groupLag,
  HOUR,
  queryView,
  sleep,
  Stack,
  TOPICS,
  totalLag,
  truth,
  type Answer,
  parseRuns,
  type TwinflowProcess,
} from '../src/harness/index.ts'

// Scenario 5: ClickHouse is stopped while `twinflow batch run all` is running (the run waits for
// the archiver to catch up with a burst of events: the archiver is frozen with SIGSTOP until then),
// and started again a few seconds later.
// The run retries with backoff (at most 3 retries) and succeeds; meanwhile readers only ever see a
// whole published version: the previous one or the new one, never a half-written table.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const RETRIES = 3

describe.skipIf(env.skip)('scenario 5: ClickHouse stopped during a batch run', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  let archiver: TwinflowProcess
  const T = Date.now()
  const book = emptyBook()
  const phase1 = { orders: generateOrders(20_000, { seed: 51, from: T - 4 * HOUR, to: T }), pageViews: generatePageViews(5000, { seed: 52, from: T - 4 * HOUR, to: T }) }
  // After the first run: late events (below its cutoff) and current ones; the burst keeps the archiver busy.
  const phase2 = {
    orders: generateOrders(8000, { seed: 53, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(2000, { seed: 54, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
  }
  const burst = {
    orders: generateOrders(30_000, { seed: 55, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(10_000, { seed: 56, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
  }
  const range = dayRange(T - 5 * HOUR, T + HOUR)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images, stablePorts: true })
    await stack.createTopics()
    config = stack.writeConfig({ batch: { runner: { retries: RETRIES, initialRetryDelayMs: 2000, waitTimeoutMs: 120_000 } } })
    const [a, , serve] = await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config), stack.startServe(config)])
    archiver = a
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    await stack?.stop()
  }, 120_000)

  /** Rows of `tf_batch_runs` in state 'running' (one per attempt of a view), read over ClickHouse's HTTP interface. */
  async function runningAttempts(): Promise<number> {
    const { url: chUrl, username, password, database } = stack.clickhouse.getClientOptions()
    const query = encodeURIComponent(`SELECT count() FROM tf_batch_runs WHERE status = 'running'`)
    const response = await fetch(`${chUrl}/?database=${database}&query=${query}`, { headers: { 'X-ClickHouse-User': username, 'X-ClickHouse-Key': password } })
    if (!response.ok) throw new Error(`ClickHouse: ${response.status} ${await response.text()}`)
    return Number((await response.text()).trim())
  }

  it('the run retries with backoff and succeeds once ClickHouse is back; no half-written version is ever served', async () => {
    onTestFailed(() => console.error(stack.report()))
    for (const [topic, events] of [
      [TOPICS.orders, phase1.orders],
      [TOPICS.pageViews, phase1.pageViews],
    ] as const)
      await stack.produce(topic, events)
    book.orders.push(...phase1.orders)
    book.pageViews.push(...phase1.pageViews)
    const first = await stack.batchRun(config)
    expect(first.code, first.process.tail()).toBe(0)
    const v1 = first.runs.find((r) => r.view === 'shopRevenue')!
    const phase2Set = new Set<object>([...phase2.orders, ...phase2.pageViews, ...burst.orders, ...burst.pageViews])
    for (const [topic, events] of [
      [TOPICS.orders, phase2.orders],
      [TOPICS.pageViews, phase2.pageViews],
    ] as const)
      await stack.produce(topic, events)
    book.orders.push(...phase2.orders)
    book.pageViews.push(...phase2.pageViews)

    // The batch part only: hours below the first cutoff, whose rows come from a batch version.
    const batchRange = { from: Math.floor((T - 5 * HOUR) / HOUR) * HOUR, to: v1.cutoff }
    const inBatchRange = (e: { ts: number }) => e.ts >= batchRange.from && e.ts < batchRange.to
    const truthV1 = truth(book, 'shopRevenue', HOUR, (e) => inBatchRange(e) && !phase2Set.has(e))
    expect((await queryView(url, 'shopRevenue', batchRange, 'HOUR')).rows).toEqual(truthV1)

    // A reader polls the batch part through the whole run.
    const seen: { version: number | null; ok: boolean; detail?: string }[] = []
    let truthV2: unknown = null
    let newVersion: number | null = null
    let polling = true
    const poller = (async () => {
      while (polling) {
        try {
          const answer: Answer = await queryView(url, 'shopRevenue', batchRange, 'HOUR')
          const expected = answer.version === v1.version ? truthV1 : truthV2
          const ok = JSON.stringify(answer.rows) === JSON.stringify(expected)
          seen.push({ version: answer.version, ok, ...(ok ? {} : { detail: `${answer.rows.length} rows` }) })
        } catch {
          seen.push({ version: null, ok: true }) // unavailable while ClickHouse is down: an error, not a wrong answer
        }
        await sleep(100)
      }
    })()

    // The archiver is frozen, so the run will wait for it to archive the burst.
    archiver.signal('SIGSTOP')
    await stack.produce(TOPICS.orders, burst.orders)
    await stack.produce(TOPICS.pageViews, burst.pageViews)
    book.orders.push(...burst.orders)
    book.pageViews.push(...burst.pageViews)
    truthV2 = truth(book, 'shopRevenue', HOUR, inBatchRange)
    const attemptsBefore = await runningAttempts()
    const batch = await stack.spawnBatch(config, 'batch-2')
    await eventually(runningAttempts, (n) => n > attemptsBefore, 60_000, 50)
    const stoppedAt = Date.now()
    await stack.clickhouse.stopServer(3)
    await sleep(3000)
    archiver.signal('SIGCONT')
    await stack.clickhouse.startServer()
    console.info(`scenario 5: ClickHouse down for ${Date.now() - stoppedAt} ms during the run`)
    const exit = await batch.finished(180_000)
    polling = false
    await poller

    const runs = parseRuns(batch)
    expect(exit.code, batch.tail()).toBe(0)
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(Math.max(...runs.map((r) => r.attempt))).toBeGreaterThan(1) // it did retry
    expect(Math.max(...runs.map((r) => r.attempt))).toBeLessThanOrEqual(RETRIES + 1)
    expect(batch.output()).toMatch(/batch run attempt failed; retrying/)
    newVersion = runs.find((r) => r.view === 'shopRevenue')!.version
    const byVersion = (v: number | null) => seen.filter((s) => s.version === v).length
    console.info(
      `scenario 5: attempts ${runs.map((r) => `${r.view}=${r.attempt}`).join(', ')}; reader saw v${v1.version} ${byVersion(v1.version)}x, v${newVersion} ${byVersion(newVersion)}x, unavailable ${byVersion(null)}x`,
    )

    // Every answer the reader got was a whole version: v1 with its rows, or the new one with all rows.
    expect(seen.filter((s) => !s.ok)).toEqual([])
    expect(new Set(seen.filter((s) => s.version !== null).map((s) => s.version)).size).toBeGreaterThan(0)
    expect(seen.every((s) => s.version === null || s.version === v1.version || s.version === newVersion)).toBe(true)
    await expectServedTruth(url, book, range, { timeoutMs: 120_000 })
    const lag = await eventually(
      () => groupLag(stack.kafka.getBrokers(), ARCHIVER_GROUP, Object.values(TOPICS)),
      (l) => totalLag(l) === 0,
      30_000,
    )
    expect(totalLag(lag)).toBe(0)
  })
})
