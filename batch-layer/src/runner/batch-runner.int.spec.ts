import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, sum, systemClock, t, TwinflowError, type WindowSize } from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryEventLog } from '@twinflow/plugin-memory'
import { Archiver } from '../archiver/archiver.ts'
import { ARCHIVER_DEFAULTS } from '../archiver/archiver-options.ts'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { FaultyDriver } from '../testing/faulty-driver.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { createTestClock } from '../testing/test-clock.ts'
import { BatchRunner } from './batch-runner.ts'
import { BATCH_RUNNER_DEFAULTS, type BatchRunnerOptions } from './batch-runner-options.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 4, 4) // midnight UTC
const logger = createJsonLogger({ level: 'silent' })

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

interface Sale {
  shop: string
  cents: number
  ts: number
}

/** A pipeline of its own (tables never shared between tests), a memory log, a chdb engine behind a fault injector, and a runner. */
async function setup(tag: string, options: BatchRunnerOptions & { window?: WindowSize; lateness?: number; now?: number } = {}) {
  const stream = defineStream(`sales_${tag}`, { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
  const view = defineView(`revenue_${tag}`, stream, {
    groupBy: (s) => ({ shop: s.shop }),
    window: options.window ?? '1h',
    measures: (s) => ({ sales: count(), cents: sum(s.cents) }),
    ...(options.lateness === undefined ? {} : { allowedLatenessMs: options.lateness }),
  })
  const pipeline = definePipeline({ streams: [stream], views: [view] })
  const clock = createTestClock(options.now ?? T0 + 10 * HOUR)
  const faulty = new FaultyDriver(driver)
  const engine = new ClickHouseBatchEngine(faulty, clock, logger)
  await engine.start(pipeline)
  const log = new MemoryEventLog({}, { clock: systemClock, logger })
  await log.connect()
  await log.createTopic(stream.topic, 1)
  const runner = new BatchRunner(engine, log, pipeline, clock, logger, { ...BATCH_RUNNER_DEFAULTS, ...options })
  let offset = 0
  /** Appends sales to the log and to the master table, as the archiver would. */
  const archived = async (sales: Sale[]) => {
    await log.produce(
      stream.topic,
      sales.map((s) => ({ value: Buffer.from(JSON.stringify(s)) })),
    )
    await engine.ingest(
      stream.name,
      sales.map((event) => ({ partition: 0, offset: offset++, event: { ...event } })),
    )
  }
  const history = async (runId: string) =>
    (await driver.query<{ status: string; attempt: number }>(`SELECT status, attempt FROM tf_batch_runs WHERE run_id = '${runId}' ORDER BY recorded_at, seq`)).map(
      (r) => `${r.status}#${r.attempt}`,
    )
  return { stream, view, pipeline, clock, faulty, engine, log, runner, archived, history }
}

describe('BatchRunner', () => {
  it('cuts off at the window start at or before now - allowedLatenessMs for live data, and publishes only windows before it', async () => {
    const { view, clock, engine, runner, archived } = await setup('cutoff', { now: T0 + 10 * HOUR + 37 * 60_000 })
    await archived([
      { shop: 'a', cents: 100, ts: T0 + 8 * HOUR + 600_000 },
      { shop: 'a', cents: 50, ts: T0 + 10 * HOUR - 1 },
      { shop: 'b', cents: 7, ts: T0 + 10 * HOUR }, // in the current window: the speed layer's
      { shop: 'b', cents: 9, ts: T0 + 12 * HOUR }, // the log's watermark is ahead of the clock here: the clock decides
    ])
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ view: view.name, status: 'succeeded', attempt: 1, cutoff: T0 + 10 * HOUR, version: 1, rows: 2, error: null })
    expect(run.finishedAt).toBe(clock.now())
    expect(await engine.currentPublication(view.name)).toMatchObject({ version: 1, cutoff: T0 + 10 * HOUR })
    expect(await engine.readWindows(view.name, 1, 0, Infinity)).toEqual([
      { windowStart: T0 + 8 * HOUR, keys: ['a'], cells: [1, 100] },
      { windowStart: T0 + 9 * HOUR, keys: ['a'], cells: [1, 50] },
    ])
    // 11:03 minus 5 minutes of lateness is 10:58: the 10:00 window may still get late events.
    clock.set(T0 + 11 * HOUR + 3 * 60_000)
    expect((await runner.runView(view.name)).cutoff).toBe(T0 + 10 * HOUR)
    clock.set(T0 + 11 * HOUR + 5 * 60_000)
    expect((await runner.runView(view.name)).cutoff).toBe(T0 + 11 * HOUR)
    // A clock (or a lateness) that would move the boundary back is held at the served cutoff.
    clock.set(T0 + 9 * HOUR)
    const held = await runner.runView(view.name)
    expect(held).toMatchObject({ status: 'succeeded', cutoff: T0 + 11 * HOUR })
  })

  it('aligns the cutoff to the view window, with the view’s own lateness', async () => {
    const now = T0 + 10 * HOUR + 44 * 60_000 + 59_999
    const { view, runner, archived } = await setup('align', { window: '15m', lateness: 0, now })
    await archived([{ shop: 'a', cents: 1, ts: now }])
    expect((await runner.runView(view.name)).cutoff).toBe(T0 + 10 * HOUR + 30 * 60_000)
  })

  it('follows the data for past events: the log watermark minus the lateness, and loaded history whole', async () => {
    const { stream, view, engine, runner, archived } = await setup('past', { now: T0 + 200 * 24 * HOUR })
    expect(await runner.runView(view.name)).toMatchObject({ status: 'succeeded', cutoff: 0, rows: 0 }) // nothing yet: all the speed layer's
    await archived([
      { shop: 'a', cents: 1, ts: T0 + HOUR },
      { shop: 'a', cents: 2, ts: T0 + 5 * HOUR + 2 * 60_000 }, // 5:02 - 5 minutes: the 4:00 window may still get events
    ])
    expect(await runner.runView(view.name)).toMatchObject({ status: 'succeeded', cutoff: T0 + 4 * HOUR, rows: 1 })
    // History loaded straight into the master table (not through the log) is covered whole.
    await engine.ingest(stream.name, [{ partition: 2 ** 31, offset: 0, event: { shop: 'b', cents: 3, ts: T0 + 7 * HOUR + 59 * 60_000 } }])
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ status: 'succeeded', cutoff: T0 + 8 * HOUR })
    expect(await engine.readWindows(view.name, run.version, 0, Infinity)).toEqual([
      { windowStart: T0 + HOUR, keys: ['a'], cells: [1, 1] },
      { windowStart: T0 + 5 * HOUR, keys: ['a'], cells: [1, 2] },
      { windowStart: T0 + 7 * HOUR, keys: ['b'], cells: [1, 3] },
    ])
  })

  it('waits until the archiver has archived everything the log held when the run began', async () => {
    const { stream, view, engine, log, runner } = await setup('wait')
    // The last sale puts the log's watermark past the first hour: that window is the batch's.
    const sales = [...[1, 2, 3].map((i) => ({ shop: 's', cents: i, ts: T0 + HOUR + i })), { shop: 's', cents: 4, ts: T0 + 3 * HOUR }]
    await log.produce(
      stream.topic,
      sales.map((s) => ({ value: Buffer.from(JSON.stringify(s)) })),
    )
    await log.produce(stream.topic, [{ value: Buffer.from('not json') }]) // a poison tail must not stall the wait
    const deadLetters = new MemoryDeadLetterQueue({}, { logger })
    await deadLetters.connect()
    const archiver = new Archiver(engine, log, deadLetters, definePipeline({ streams: [stream], views: [view] }), systemClock, logger, {
      ...ARCHIVER_DEFAULTS,
      groupId: 'archiver-wait',
    })
    const running = runner.runView(view.name)
    await new Promise((r) => setTimeout(r, 50))
    expect(await engine.currentPublication(view.name)).toBeNull() // still waiting: nothing archived yet
    await archiver.start()
    const run = await running
    await archiver.stop()
    expect(run).toMatchObject({ status: 'succeeded', attempt: 1 })
    // The watermarks are read alongside the check that finds the archive caught up, so they may
    // miss the insert that caught it up: the cutoff is then lower (safe), never a partial window.
    const whole = [{ windowStart: T0 + HOUR, keys: ['s'], cells: [3, 6] }]
    expect(await engine.readWindows(view.name, run.version, 0, Infinity)).toEqual(run.cutoff > T0 + HOUR ? whole : [])
    const next = await runner.runView(view.name)
    expect(next).toMatchObject({ status: 'succeeded', cutoff: T0 + 2 * HOUR, rows: 1 })
    expect(await engine.readWindows(view.name, next.version, 0, Infinity)).toEqual(whole)
    expect(deadLetters.counts()).toEqual(new Map([[`${stream.name}/archiver`, 1]]))
  })

  it('counts a record archived twice once, from the duplicate check read with the archiver wait', async () => {
    const { stream, view, faulty, engine, runner, archived } = await setup('zombie')
    // The last sale puts the log's watermark past the first hour: that window is the batch's.
    await archived([...[1, 2, 3, 4].map((i) => ({ shop: 's', cents: i, ts: T0 + HOUR + i })), { shop: 's', cents: 9, ts: T0 + 3 * HOUR }])
    // A zombie archiver's insert: offsets 1 and 2 again (the same records).
    await engine.ingest(
      stream.name,
      [1, 2].map((i) => ({ partition: 0, offset: i, event: { shop: 's', cents: i + 1, ts: T0 + HOUR + i + 1 } })),
    )
    const from = faulty.statements.length
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ status: 'succeeded', rows: 1 })
    expect(await engine.readWindows(view.name, run.version, 0, Infinity)).toEqual([{ windowStart: T0 + HOUR, keys: ['s'], cells: [4, 10] }])
    // The ledger is read twice: alongside the archiver wait's check (the build's hint), and after the build.
    expect(faulty.statements.slice(from).filter((s) => s.includes('FROM system.parts'))).toHaveLength(2)
  })

  it('fails without publishing when the archiver does not catch up in time', async () => {
    const { stream, view, engine, log, runner, history } = await setup('stalled', { waitTimeoutMs: 1_000, pollIntervalMs: 250, retries: 1 })
    await log.produce(stream.topic, [{ value: Buffer.from(JSON.stringify({ shop: 'x', cents: 1, ts: T0 })) }])
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ status: 'failed', attempt: 2 })
    expect(run.error).toMatch(/has not archived what topic "twinflow.sales_stalled" held when the run began \(partition 0: archived up to nothing, log end 1\)/)
    expect(await engine.currentPublication(view.name)).toBeNull()
    expect(await history(run.runId)).toEqual(['running#1', 'failed#1', 'running#2', 'failed#2'])
  })

  it('retries a failed attempt with exponential backoff, drops its partial table, and publishes once', async () => {
    const { view, clock, faulty, engine, runner, archived, history } = await setup('retry', { initialRetryDelayMs: 1_000 })
    await archived([
      { shop: 'a', cents: 5, ts: T0 + HOUR },
      { shop: 'a', cents: 6, ts: T0 + 5 * HOUR },
    ])
    faulty.fail(/^INSERT INTO tf_view_revenue_retry_v\d+ /, 2)
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ status: 'succeeded', attempt: 3, version: 1, rows: 1, error: null })
    expect(clock.sleeps).toHaveLength(2)
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(800)
    expect(clock.sleeps[0]).toBeLessThanOrEqual(1_200)
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1_600)
    expect(clock.sleeps[1]).toBeLessThanOrEqual(2_400)
    expect(await history(run.runId)).toEqual(['running#1', 'failed#1', 'running#2', 'failed#2', 'running#3', 'succeeded#3'])
    expect(await engine.runs(view.name, 10)).toEqual([run])
    expect(await engine.versions(view.name)).toEqual([1])
    expect((await engine.publications(view.name)).map((p) => p.version)).toEqual([1])
  })

  it('never publishes a failed run; the next run publishes a new version and old tables are dropped', async () => {
    const { view, faulty, engine, runner, archived, history } = await setup('nopublish', { retries: 2, initialRetryDelayMs: 10 })
    await archived([{ shop: 'a', cents: 5, ts: T0 + HOUR }])
    faulty.fail(/^INSERT INTO tf_publications /, 99)
    const failed = await runner.runView(view.name)
    expect(failed).toMatchObject({ status: 'failed', attempt: 3 })
    expect(failed.error).toMatch(/injected fault/)
    expect(await engine.currentPublication(view.name)).toBeNull()
    // Each attempt's success was recorded alongside its publication, and its failure after it.
    expect(await history(failed.runId)).toEqual(['running#1', 'succeeded#1', 'failed#1', 'running#2', 'succeeded#2', 'failed#2', 'running#3', 'succeeded#3', 'failed#3'])
    expect(await engine.runs(view.name, 10)).toEqual([failed])
    expect(await engine.versions(view.name)).toEqual([1, 2, 3]) // built, never served
    faulty.heal()
    expect(await runner.runView(view.name)).toMatchObject({ status: 'succeeded', version: 4 })
    expect(await runner.runView(view.name)).toMatchObject({ status: 'succeeded', version: 5 })
    expect(await engine.versions(view.name)).toEqual([4, 5]) // keepVersions 2: the served one and the previous one
    expect(await runner.runView(view.name)).toMatchObject({ status: 'succeeded', version: 6 })
    expect(await engine.versions(view.name)).toEqual([5, 6])
  })

  it('does not retry an error that is not retriable', async () => {
    const { view, clock, faulty, engine, runner, archived } = await setup('fatal')
    await archived([{ shop: 'a', cents: 5, ts: T0 + HOUR }])
    faulty.fail(/^INSERT INTO tf_view_/, 1, { error: () => new TwinflowError('internal', 'injected: the engine rejected the statement') })
    const run = await runner.runView(view.name)
    expect(run).toMatchObject({ status: 'failed', attempt: 1, error: 'injected: the engine rejected the statement' })
    expect(clock.sleeps).toEqual([])
    expect(await engine.currentPublication(view.name)).toBeNull()
    expect(await engine.versions(view.name)).toEqual([])
  })

  it('runs every view; one failing view does not stop the others', async () => {
    const a = await setup('all_a')
    const streamB = defineStream('sales_all_b', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
    const viewB = defineView('revenue_all_b', streamB, { groupBy: () => ({}), window: '1h', measures: () => ({ n: count() }) })
    const pipeline = definePipeline({ streams: [a.stream, streamB], views: [a.view, viewB] })
    await a.engine.start(pipeline)
    await a.log.createTopic(streamB.topic, 2)
    await a.archived([{ shop: 'a', cents: 1, ts: T0 }])
    a.faulty.fail(/^INSERT INTO tf_view_revenue_all_a_/, 1, { error: () => new TwinflowError('internal', 'injected') })
    const runner = new BatchRunner(a.engine, a.log, pipeline, a.clock, logger, BATCH_RUNNER_DEFAULTS)
    const runs = await runner.runAll()
    expect(runs.map((r) => [r.view, r.status])).toEqual([
      [a.view.name, 'failed'],
      [viewB.name, 'succeeded'],
    ])
    await expect(runner.runView('nope')).rejects.toThrow(/unknown view "nope"/)
  })
})
