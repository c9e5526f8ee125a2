import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, systemClock, t, TwinflowError } from '@twinflow/core'
import { MemoryEventLog } from '@twinflow/plugin-memory'
import { NodeCronScheduler } from '@twinflow/plugin-node-cron'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { BatchRunner } from './batch-runner.ts'
import { BATCH_RUNNER_DEFAULTS } from './batch-runner-options.ts'
import { BatchSchedule } from './batch-schedule.ts'

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

async function setup(tag: string, createTopic: boolean) {
  const records: Record<string, any>[] = []
  const logger = createJsonLogger({ level: 'info', write: (line) => records.push(JSON.parse(line)) })
  const stream = defineStream(`ticks_${tag}`, { ts: t.eventTime() })
  const view = defineView(`perMinute_${tag}`, stream, { groupBy: () => ({}), window: '1m', measures: () => ({ n: count() }), allowedLatenessMs: 0 })
  const pipeline = definePipeline({ streams: [stream], views: [view] })
  const engine = new ClickHouseBatchEngine(driver, systemClock, logger)
  await engine.start(pipeline)
  const log = new MemoryEventLog({}, { clock: systemClock, logger })
  await log.connect()
  if (createTopic) {
    // One tick now, in the log and archived: the cutoff follows the clock (an empty stream's is 0).
    await log.createTopic(stream.topic, 1)
    const tick = { ts: Date.now() }
    await log.produce(stream.topic, [{ value: Buffer.from(JSON.stringify(tick)) }])
    await engine.ingest(stream.name, [{ partition: 0, offset: 0, event: tick }])
  }
  const runner = new BatchRunner(engine, log, pipeline, systemClock, logger, { ...BATCH_RUNNER_DEFAULTS, retries: 0 })
  const schedule = (cron: string) => new BatchSchedule(runner, new NodeCronScheduler(logger), logger, cron)
  return { view, engine, records, schedule }
}

describe('BatchSchedule', () => {
  it('runs every view on the cron schedule until stopped', async () => {
    const { view, engine, schedule } = await setup('ok', true)
    const batch = schedule('* * * * * *')
    await batch.start()
    const deadline = Date.now() + 5_000
    while ((await engine.currentPublication(view.name)) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await batch.stop()
    const published = await engine.currentPublication(view.name)
    expect(published!.cutoff % 60_000).toBe(0) // a window start at or before the run's now (lateness 0)
    expect(published!.publishedAt - published!.cutoff).toBeGreaterThanOrEqual(0)
    expect(published!.publishedAt - published!.cutoff).toBeLessThan(65_000)
    const versions = (await engine.publications(view.name)).length
    await new Promise((r) => setTimeout(r, 1_300))
    expect((await engine.publications(view.name)).length).toBe(versions) // stopped: no more runs
  })

  it('reports failed runs through the scheduler’s log, with the error', async () => {
    const { view, records, schedule } = await setup('failing', false) // no topic: every run fails
    const batch = schedule('* * * * * *')
    await batch.start()
    const deadline = Date.now() + 5_000
    while (!records.some((r) => r.msg === 'scheduled run failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await batch.stop()
    const failure = records.find((r) => r.msg === 'scheduled run failed')
    expect(failure?.error.message).toMatch(new RegExp(`batch runs failed for "${view.name}" \\(unknown topic`))
    expect(records.some((r) => r.level === 'error' && r.msg === 'batch run failed' && r.view === view.name)).toBe(true)
  })

  it('runs every view now on demand, and stop() waits for that run', async () => {
    const { view, engine, schedule } = await setup('now', true)
    const batch = schedule('0 0 1 1 *')
    await batch.start()
    let settled = false
    const run = batch.runNow().finally(() => (settled = true))
    await batch.stop()
    expect(settled).toBe(true)
    await run
    expect(await engine.currentPublication(view.name)).not.toBeNull()
  })

  it('rejects a run on demand that failed, naming its views', async () => {
    const { view, schedule } = await setup('nowfailing', false)
    const batch = schedule('0 0 1 1 *')
    await expect(batch.runNow()).rejects.toThrow(new RegExp(`batch runs failed for "${view.name}" \\(unknown topic`))
    await batch.stop()
  })

  it('refuses an invalid cron expression when started', async () => {
    const { schedule } = await setup('badcron', true)
    const error = await schedule('every minute')
      .start()
      .catch((e: unknown) => e)
    expect(TwinflowError.is(error, 'config')).toBe(true)
  })
})
