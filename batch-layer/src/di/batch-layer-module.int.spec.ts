import { Container } from 'inversify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, pluginModule, resolve, sum, systemClock, t, TOKENS, type Resolver } from '@twinflow/core'
import { chdbDriverPlugin } from '@twinflow/plugin-chdb'
import { memoryDeadLetterQueuePlugin, memoryEventLogPlugin } from '@twinflow/plugin-memory'
import { nodeCronSchedulerPlugin } from '@twinflow/plugin-node-cron'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { batchLayerModule } from './batch-layer-module.ts'
import { BATCH_TOKENS } from './batch-tokens.ts'

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

const T0 = Date.UTC(2026, 6, 1)
const stream = defineStream('purchases', { user: t.string(), cents: t.int64(), ts: t.eventTime() })
const view = defineView('spend', stream, { groupBy: (p) => ({ user: p.user }), window: '1d', measures: (p) => ({ n: count(), cents: sum(p.cents) }) })
const pipeline = definePipeline({ streams: [stream], views: [view] })

describe('batchLayerModule', () => {
  it('binds the engine (also as core’s BatchEngine), archiver, runner and schedule, which work together', async () => {
    const container = new Container()
    container.bind(TOKENS.Clock).toConstantValue(systemClock)
    container.bind(TOKENS.Logger).toConstantValue(createJsonLogger({ level: 'silent' }))
    container.bind(TOKENS.Pipeline).toConstantValue(pipeline)
    container.bind(TOKENS.DataDirectory).toConstantValue('/nonexistent/twinflow-data')
    container.load(
      pluginModule(chdbDriverPlugin, { path: driver.path }, 'runtimes.clickhouse'),
      pluginModule(memoryEventLogPlugin, {}, 'runtimes.eventLog'),
      pluginModule(memoryDeadLetterQueuePlugin, {}, 'runtimes.deadLetterQueue'),
      pluginModule(nodeCronSchedulerPlugin, {}, 'runtimes.scheduler'),
      batchLayerModule({ schedule: '0 * * * *', runner: { initialRetryDelayMs: 10 }, archiver: { maxBatchSize: 2 } }),
    )
    const get = <T>(id: symbol & { readonly __resolvesTo?: T }) => resolve(container as unknown as Resolver, id)
    expect(get(TOKENS.BatchEngine)).toBeInstanceOf(ClickHouseBatchEngine)
    expect(get(TOKENS.BatchEngine)).toBe(get(BATCH_TOKENS.Engine))
    expect(get(BATCH_TOKENS.Runner)).toBe(get(BATCH_TOKENS.Runner))
    expect(get(BATCH_TOKENS.Options).archiver).toMatchObject({ maxBatchSize: 2, groupId: 'twinflow-archiver' })

    const chdb = get(TOKENS.ClickHouseDriver)
    const log = get(TOKENS.EventLog)
    const deadLetters = get(TOKENS.DeadLetterQueue)
    await chdb.connect()
    await log.connect()
    await deadLetters.connect()
    await log.createTopic(stream.topic, 2)
    await get(TOKENS.BatchEngine).start(pipeline)
    const archiver = get(BATCH_TOKENS.Archiver)
    await archiver.start()
    const schedule = get(BATCH_TOKENS.Schedule)
    await schedule.start()

    const purchases = [
      { user: 'ann', cents: 250, ts: T0 + 1 },
      { user: 'bob', cents: 100, ts: T0 + 2 },
      { user: 'ann', cents: 50, ts: T0 + 86_400_000 + 3 },
      { user: 'cid', cents: 1, ts: T0 + 3 * 86_400_000 }, // the stream's newest: its day is the speed layer's
    ]
    await log.produce(stream.topic, [...purchases.map((p) => ({ key: p.user, value: Buffer.from(JSON.stringify(p)) })), { value: Buffer.from('[]') }])
    // The run waits for the archiver itself, but reads the watermarks alongside its check (lower is
    // allowed: a lower cutoff, fewer rows). Waiting here first makes the cutoff, and the rows, exact.
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 20))) {
      const n = (await chdb.query<{ n: unknown }>('SELECT count() AS n FROM tf_master_purchases'))[0]?.n
      if (Number(n) === 5) break
      if (Date.now() > deadline) throw new Error(`the archiver archived ${n} of 5 records in 30 s`)
    }
    const [run] = await get(BATCH_TOKENS.Runner).runAll()
    expect(run).toMatchObject({ view: 'spend', status: 'succeeded', version: 1, rows: 3 })
    expect(await get(TOKENS.BatchEngine).readWindows('spend', 1, 0, Infinity)).toEqual([
      { windowStart: T0, keys: ['ann'], cells: [1, 250] },
      { windowStart: T0, keys: ['bob'], cells: [1, 100] },
      { windowStart: T0 + 86_400_000, keys: ['ann'], cells: [1, 50] },
    ])
    expect(deadLetters.counts()).toEqual(new Map([['purchases/archiver', 1]]))

    await schedule.stop()
    await archiver.stop()
    await log.close()
    await chdb.close()
  })

  it('validates its options when the module is created', () => {
    expect(() => batchLayerModule({ runner: { keepVersions: 0 } })).toThrow(/batch.runner.keepVersions: must be an integer >= 1, got 0/)
    expect(() => batchLayerModule({ archive: {} } as never)).toThrow(/batch: unknown option "archive"; known options: schedule, archiver, runner/)
  })
})
