import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews, type Order, type PageView } from '@twinflow/example-online-store'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import {
  type BatchRunRecord,
  dayRange,
  emptyBook,
  eventually,
  expectLagReturnsToZero,
  expectServedTruth,
  HOUR,
  queryView,
  Stack,
  TOPICS,
  VIEW_WINDOW,
  type ViewName,
  VIEWS,
} from '../src/harness/index.ts'

// Scenario 1: the whole Lambda architecture as separate processes (archiver, speed, serve, and
// `twinflow batch run all`) on Kafka, Redis and ClickHouse 18.16, with 200k events over 4 partitions.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const LATENESS = 5 * 60_000

describe.skipIf(env.skip)('scenario 1: 200k events, a batch at a cutoff inside the stream, more events, served = truth', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  const T = Date.now()
  const book = emptyBook()
  // Phase 1 is in the log before the first batch run; phase 2 comes after it, late events included.
  const phase1 = { orders: generateOrders(120_000, { seed: 11, from: T - 6 * HOUR, to: T }), pageViews: generatePageViews(40_000, { seed: 12, from: T - 6 * HOUR, to: T }) }
  const phase2 = {
    orders: generateOrders(30_000, { seed: 13, from: T - 1.5 * HOUR, to: T + 0.5 * HOUR }),
    pageViews: generatePageViews(10_000, { seed: 14, from: T - 1.5 * HOUR, to: T + 0.5 * HOUR }),
  }
  const range = dayRange(T - 7 * HOUR, T + HOUR)
  const cutoffs = new Map<ViewName, number>()
  const timings: Record<string, number> = {}
  const timed = async <R>(label: string, fn: () => Promise<R>): Promise<R> => {
    const t0 = Date.now()
    try {
      return await fn()
    } finally {
      timings[label] = Date.now() - t0
    }
  }

  beforeAll(async () => {
    stack = await timed('containers', () => Stack.start({ images: env.images }))
    await stack.createTopics()
    // keepVersions 1: the second run drops the first version's tables (DROP TABLE on 18.16, readers re-read the publication).
    config = stack.writeConfig({ batch: { runner: { waitTimeoutMs: 240_000, keepVersions: 1 }, archiver: { maxBatchSize: 5000 } } })
    const [, , serve] = await timed('processes', () => Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config), stack.startServe(config)]))
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    console.info(`scenario 1 timings (ms): ${JSON.stringify(timings)}`)
    await stack?.stop()
  }, 120_000)

  /** Names of the views' version tables in ClickHouse. */
  async function versionTables(s: Stack): Promise<string[]> {
    const { url: chUrl, username, password, database } = s.clickhouse.getClientOptions()
    const query = encodeURIComponent(`SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'tf\\_view\\_%'`)
    const response = await fetch(`${chUrl}/?database=${database}&query=${query}`, { headers: { 'X-ClickHouse-User': username, 'X-ClickHouse-Key': password } })
    if (!response.ok) throw new Error(`ClickHouse: ${response.status} ${await response.text()}`)
    return (await response.text()).split('\n').filter(Boolean)
  }

  const failureReport = () => onTestFailed(() => console.error(stack.report()))

  /** The served answers of a view equal the truth of the events `keep` lets through, at its window and per day. */
  const expectServed = (view: ViewName, keep: (e: Order & PageView) => boolean, timeoutMs: number) =>
    expectServedTruth(url, book, range, { views: [view], keep: () => keep, timeoutMs })

  it('archives and serves 160k events, then a batch run publishes every view at its cutoff', async () => {
    failureReport()
    await timed('produce phase 1 (160k)', async () => {
      await stack.produce(TOPICS.orders, phase1.orders)
      await stack.produce(TOPICS.pageViews, phase1.pageViews)
    })
    book.orders.push(...phase1.orders)
    book.pageViews.push(...phase1.pageViews)
    const before = Date.now()
    const { code, runs } = await timed('batch run 1', () => stack.batchRun(config))
    const after = Date.now()
    expect(code).toBe(0)
    expect(runs.map((r: BatchRunRecord) => [r.view, r.status])).toEqual(VIEWS.map((v) => [v, 'succeeded']))
    for (const run of runs) {
      const w = VIEW_WINDOW[run.view as ViewName].ms
      const expected = new Set([before, after].map((t) => Math.floor((t - LATENESS) / w) * w))
      expect(expected.has(run.cutoff), `${run.view} cutoff ${new Date(run.cutoff).toISOString()}`).toBe(true)
      expect(run.cutoff).toBeGreaterThan(T - 6 * HOUR) // inside the stream: both layers hold part of it
      cutoffs.set(run.view as ViewName, run.cutoff)
    }
  })

  it('after 40k more events (late ones included), answers equal the truth at the view window and per day', async () => {
    failureReport()
    await timed('produce phase 2 (40k)', async () => {
      await stack.produce(TOPICS.orders, phase2.orders)
      await stack.produce(TOPICS.pageViews, phase2.pageViews)
    })
    book.orders.push(...phase2.orders)
    book.pageViews.push(...phase2.pageViews)
    const phase2Set = new Set<object>([...phase2.orders, ...phase2.pageViews])
    await timed('served = truth (batch + speed)', async () => {
      for (const view of VIEWS) {
        const cutoff = cutoffs.get(view)!
        const w = VIEW_WINDOW[view].ms
        // Late phase-2 events (windows below the cutoff) are in neither layer until the next batch run.
        await expectServed(view, (e) => !phase2Set.has(e) || Math.floor(e.ts / w) * w >= cutoff, 120_000)
      }
    })
    const answer = await queryView(url, 'shopRevenue', range, 'DAY')
    expect(Date.parse(answer.cutoff!)).toBe(cutoffs.get('shopRevenue'))
  })

  it('the next batch run counts the late events: every answer equals the truth of all 200k events', async () => {
    failureReport()
    const { code, runs } = await timed('batch run 2', () => stack.batchRun(config))
    expect(code).toBe(0)
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
    expect(book.orders.length + book.pageViews.length).toBe(200_000)
    const tables = await eventually(
      () => versionTables(stack),
      (t) => t.length === VIEWS.length,
      30_000,
    )
    expect(tables.sort()).toEqual(runs.map((r) => `tf_view_${r.view}_v${r.version}`).sort()) // the first versions are dropped
    await timed('served = truth (all)', async () => {
      for (const view of VIEWS) await expectServed(view, () => true, 60_000)
    })
    await expectLagReturnsToZero(stack.kafka.getBrokers(), 30_000)
  })
})
