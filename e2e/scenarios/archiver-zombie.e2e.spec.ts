import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { ClickHouseServerDriver, parseClickHouseServerDriverOptions } from '@twinflow/plugin-clickhouse'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { dayRange, emptyBook, eventually, expectLagReturnsToZero, expectServedTruth, HOUR, sleep, Stack, startLoad, TOPICS, type TwinflowProcess } from '../src/harness/index.ts'

// Scenario 10: a zombie archiver. Two archivers of one consumer group; one is frozen (SIGSTOP) on
// its "inserting batch" line, i.e. with a large insert on its way to ClickHouse, and kept frozen
// past the session timeout, so that the group gives its partitions to the other, which resumes
// from the master table and archives the same offsets. Thawed (SIGCONT), the frozen one finishes
// its insert: the master table then holds those records twice (checked). A batch run over it must
// still give every answer of the truth: each archived record counts once.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const SESSION_TIMEOUT_MS = 6000
/** An "inserting batch" line of at least 10,000 records: an insert of megabytes, which takes a while to send. */
const LARGE_INSERT = /\{[^\n]*"records":\d{5,}[^\n]*"msg":"inserting batch"[^\n]*\}/
const STREAMS = ['orders', 'pageViews'] as const

describe.skipIf(env.skip)('scenario 10: an archiver frozen mid-insert past the session timeout (a zombie insert)', { timeout: 400_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  let clickhouse: ClickHouseServerDriver
  const T = Date.now()
  const book = emptyBook()
  const window = { from: T - 2 * HOUR, to: T + 10 * 60_000 }
  // Produced before any archiver runs, so that the first one's batches are large.
  const backlog = { orders: generateOrders(120_000, { seed: 71, ...window }), pageViews: generatePageViews(40_000, { seed: 72, ...window }) }
  // Produced once both archivers run.
  const live = { orders: generateOrders(20_000, { seed: 73, ...window }), pageViews: generatePageViews(10_000, { seed: 74, ...window }) }
  const range = dayRange(T - 3 * HOUR, T + HOUR)
  const steps: string[] = []
  const step = (what: string) => steps.push(`${((Date.now() - T) / 1000).toFixed(1)}s ${what}`)

  /** Per stream: distinct (partition, offset) in its master table, and rows beyond one per (partition, offset). */
  const archived = async () => {
    const figures = {} as Record<(typeof STREAMS)[number], { distinct: number; duplicates: number }>
    for (const stream of STREAMS) {
      const [row] = await clickhouse.query<{ n: string; d: string }>(`SELECT uniqExact(_partition, _offset) AS d, count() AS n FROM tf_master_${stream}`)
      figures[stream] = { distinct: Number(row?.d ?? 0), duplicates: Number(row?.n ?? 0) - Number(row?.d ?? 0) }
    }
    return figures
  }
  const duplicates = (figures: Awaited<ReturnType<typeof archived>>) => Object.values(figures).reduce((sum, f) => sum + f.duplicates, 0)

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images })
    await stack.createTopics()
    config = stack.writeConfig({
      kafka: { sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1000, maxBytesPerPartition: 32 * 1024 * 1024 },
      batch: { archiver: { maxBatchSize: 50_000 } },
    })
    clickhouse = new ClickHouseServerDriver(parseClickHouseServerDriverOptions(stack.clickhouse.getClientOptions()), createJsonLogger({ level: 'error' }))
    await clickhouse.connect()
    const [, serve] = await Promise.all([stack.startRole('speed', config), stack.startServe(config)])
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    console.info(`scenario 10 steps:\n  ${steps.join('\n  ')}`)
    await clickhouse?.close()
    await stack?.stop()
  }, 120_000)

  it('counts every archived record once after a zombie insert; every answer equals the truth', async () => {
    onTestFailed(() => console.error(stack.report()))
    await Promise.all([stack.produce(TOPICS.orders, backlog.orders), stack.produce(TOPICS.pageViews, backlog.pageViews)])
    book.orders.push(...backlog.orders)
    book.pageViews.push(...backlog.pageViews)
    step(`backlog produced: ${backlog.orders.length + backlog.pageViews.length} events`)

    // archiver-a alone; frozen the moment it prints its first large "inserting batch" line.
    let frozen: Promise<RegExpExecArray> | undefined
    const a: TwinflowProcess = await stack.startRole('archiver', config, 'archiver-a', {
      logLevel: 'debug',
      onSpawn: (p) => {
        frozen = p.signalOn(LARGE_INSERT, 'SIGSTOP')
      },
    })
    const line = JSON.parse((await frozen!)[0]) as { topic: string; partition: number; firstOffset: number; lastOffset: number; records: number }
    const frozenAt = Date.now()
    step(`SIGSTOP archiver-a inserting ${line.records} records of ${line.topic}[${line.partition}] (offsets ${line.firstOffset}..${line.lastOffset})`)

    // archiver-b joins; once archiver-a's session expired it owns every partition, resumes from the
    // master table and archives the whole backlog, the offsets archiver-a is holding included.
    const b = await stack.startRole('archiver', config, 'archiver-b')
    const caughtUp = await eventually(archived, (f) => f.orders.distinct === backlog.orders.length && f.pageViews.distinct === backlog.pageViews.length, 90_000)
    expect(Date.now() - frozenAt).toBeGreaterThan(SESSION_TIMEOUT_MS)
    step(`archiver-b archived the whole backlog: ${JSON.stringify(caughtUp)}`)
    expect(duplicates(caughtUp)).toBe(0)

    // Thawed, archiver-a finishes its inserts (the one of that line, and any other it had in flight):
    // zombie writes of offsets archiver-b wrote already.
    a.signal('SIGCONT')
    let doubled = await archived()
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await sleep(2000)
      const next = await archived()
      const settled = duplicates(next) > 0 && duplicates(next) === duplicates(doubled)
      doubled = next
      if (settled) break
    }
    step(`SIGCONT archiver-a: its inserts landed, the master tables hold rows twice: ${JSON.stringify(doubled)}`)
    expect(duplicates(doubled)).toBeGreaterThan(0)

    // Both archivers (archiver-a rejoins the group) under more load.
    const load = startLoad(stack, book, live, { chunk: 1000, intervalMs: 200 })
    await load.done
    step(`live load done: ${load.produced()} events`)
    await expectLagReturnsToZero(stack.kafka.getBrokers(), 90_000)
    expect([a.running, b.running]).toEqual([true, true])

    // A batch run over the master table: every answer equals the truth.
    const { code, runs, process } = await stack.batchRun(config)
    expect(code, JSON.stringify(runs)).toBe(0)
    step(`batch run: ${runs.map((r) => `${r.view} v${r.version} cutoff ${new Date(r.cutoff).toISOString()} ${r.status}`).join(', ')}`)
    const built = process.output().match(/\{[^\n]*"msg":"batch version built"[^\n]*\}/g) ?? []
    step(`built:\n    ${built.join('\n    ')}`)
    await expectServedTruth(url, book, range, { timeoutMs: 60_000 })
    step('served = truth')
  })
})
