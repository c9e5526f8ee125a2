import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, max, sum, t, TwinflowError, type BatchRun, type Clock } from '@twinflow/core'
import { masterTableSql } from '../sql/master-table-sql.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { ClickHouseBatchEngine } from './clickhouse-batch-engine.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

let now = T0
const clock: Clock = { now: () => now, sleep: async () => {} }
const logger = createJsonLogger({ level: 'silent' })

/** A pipeline with its own stream and view names, so that tests of this file never share tables. */
function fixture(tag: string) {
  const stream = defineStream(`clicks_${tag}`, { user: t.string(), mobile: t.boolean(), amount: t.int64(), price: t.float64(), ts: t.eventTime() })
  const view = defineView(`byUser_${tag}`, stream, {
    groupBy: (e) => ({ user: e.user, mobile: e.mobile }),
    window: '1h',
    measures: (e) => ({ n: count(), total: sum(e.amount), top: max(e.price) }),
  })
  const pipeline = definePipeline({ streams: [stream], views: [view] })
  return { stream, view, pipeline, engine: new ClickHouseBatchEngine(driver, clock, logger) }
}

async function error(promise: Promise<unknown>): Promise<TwinflowError> {
  const e = await promise.then(
    () => null,
    (x: unknown) => x,
  )
  if (!TwinflowError.is(e)) throw new Error(`expected a TwinflowError, got ${String(e)}`)
  return e
}

const event = (user: string, mobile: boolean, amount: number, price: number, ts: number) => ({ user, mobile, amount, price, ts })

describe('ClickHouseBatchEngine', () => {
  it('keeps a cheap lower bound of the archived offsets, seeded from rows archived before it existed, never above the exact answer', async () => {
    const { stream, pipeline, engine } = fixture('offsets')
    await engine.start(pipeline)
    expect(await engine.archivedOffsets(stream.name, { lowerBound: true })).toEqual(new Map())
    await engine.ingest(
      stream.name,
      [0, 1, 2].map((offset) => ({ partition: 1, offset, event: event('a', true, 1, 0.5, T0) })),
    )
    // A deployment from before the view: drop it, archive more, start again.
    await driver.command(`DROP TABLE ${masterTableSql.offsetsView(stream)}`)
    await engine.ingest(stream.name, [{ partition: 2, offset: 5, event: event('b', true, 1, 0.5, T0) }])
    expect(await engine.archivedOffsets(stream.name)).toEqual(
      new Map([
        [1, 2],
        [2, 5],
      ]),
    )
    await engine.start(pipeline)
    expect(await engine.archivedOffsets(stream.name, { lowerBound: true })).toEqual(
      new Map([
        [1, 2],
        [2, 5],
      ]),
    )
    await engine.start(pipeline) // seeding again (or not) changes nothing: max is idempotent
    await engine.ingest(stream.name, [{ partition: 1, offset: 3, event: {}, error: 'schema: x' }])
    expect(await engine.archivedOffsets(stream.name, { lowerBound: true })).toEqual(
      new Map([
        [1, 3],
        [2, 5],
      ]),
    )
    expect(await engine.archivedOffsets(stream.name)).toEqual(
      new Map([
        [1, 3],
        [2, 5],
      ]),
    )
  })

  it('ingests accepted and rejected records and reports the highest offset per partition', async () => {
    const { stream, pipeline, engine } = fixture('ingest')
    await engine.start(pipeline)
    await engine.start(pipeline) // idempotent
    expect(await engine.archivedOffsets(stream.name)).toEqual(new Map())
    await engine.ingest(stream.name, [
      { partition: 0, offset: 0, event: event('a', true, 1, 0.5, T0) },
      { partition: 0, offset: 1, event: {}, error: 'invalid-json: Unexpected token' },
      { partition: 3, offset: 7, event: event('b', false, 2, 1.5, T0 + 1) },
    ])
    expect(await engine.archivedOffsets(stream.name)).toEqual(
      new Map([
        [0, 1],
        [3, 7],
      ]),
    )
    expect(await engine.archivedOffsets(stream.name, { lowerBound: true })).toEqual(
      new Map([
        [0, 1],
        [3, 7],
      ]),
    )
    const rows = await driver.query(`SELECT _partition, _offset, _error, user, mobile, amount FROM tf_master_${stream.name} ORDER BY _partition, _offset`)
    expect(rows).toEqual([
      { _partition: 0, _offset: '0', _error: '', user: 'a', mobile: 1, amount: '1' },
      { _partition: 0, _offset: '1', _error: 'invalid-json: Unexpected token', user: '', mobile: 0, amount: '0' },
      { _partition: 3, _offset: '7', _error: '', user: 'b', mobile: 0, amount: '2' },
    ])
  })

  it('builds a version from accepted events before the cutoff only, and reads its windows back with typed keys', async () => {
    const { stream, view, pipeline, engine } = fixture('build')
    await engine.start(pipeline)
    await engine.ingest(stream.name, [
      { partition: 0, offset: 0, event: event('a', true, 10, 0.25, T0 + 5) },
      { partition: 0, offset: 1, event: event('a', true, 5, 2.5, T0 + HOUR - 1) },
      { partition: 0, offset: 2, event: {}, error: 'schema: field "amount" is missing' },
      { partition: 1, offset: 0, event: event('b', false, 1, -1, T0 + HOUR) },
      { partition: 1, offset: 1, event: event('a', true, 100, 9, T0 + 2 * HOUR) }, // at the cutoff: excluded
    ])
    expect(await engine.versions(view.name)).toEqual([])
    const rows = await engine.buildVersion(view.name, 1, T0 + 2 * HOUR)
    expect(rows).toBe(2)
    expect(await engine.readWindows(view.name, 1, T0, T0 + 2 * HOUR)).toEqual([
      { windowStart: T0, keys: ['a', true], cells: [2, 15, 2.5] },
      { windowStart: T0 + HOUR, keys: ['b', false], cells: [1, 1, -1] },
    ])
    expect(await engine.readWindows(view.name, 1, T0 + HOUR, Infinity)).toEqual([{ windowStart: T0 + HOUR, keys: ['b', false], cells: [1, 1, -1] }])
    expect(await engine.versions(view.name)).toEqual([1]) // built, not published
    const again = await error(engine.buildVersion(view.name, 1, T0 + 2 * HOUR))
    expect(again.kind).toBe('conflict')
    const misaligned = await error(engine.buildVersion(view.name, 2, T0 + 1))
    expect(misaligned.kind).toBe('validation')
    expect(misaligned.message).toMatch(/must be a window start/)
  })

  it('drops the partially written table when a build fails', async () => {
    const { view, pipeline, engine } = fixture('partial')
    await engine.start(pipeline)
    await driver.command(`DROP TABLE tf_master_${view.stream.name}`) // the build's SELECT now fails
    const failed = await error(engine.buildVersion(view.name, 1, T0))
    expect(failed.kind).toBe('internal')
    expect(await engine.versions(view.name)).toEqual([])
  })

  it('publishes versions atomically, refuses to go back, and serves the highest', async () => {
    const { view, pipeline, engine } = fixture('publish')
    await engine.start(pipeline)
    expect(await engine.currentPublication(view.name)).toBeNull()
    const notBuilt = await error(engine.publish(view.name, 1, T0))
    expect(notBuilt.kind).toBe('validation')
    for (const v of [1, 2, 3]) await engine.buildVersion(view.name, v, T0 + v * HOUR)
    now = T0 + 111
    expect(await engine.publish(view.name, 2, T0 + 2 * HOUR)).toEqual({ view: view.name, version: 2, cutoff: T0 + 2 * HOUR, publishedAt: T0 + 111 })
    for (const stale of [1, 2]) {
      const e = await error(engine.publish(view.name, stale, T0 + 2 * HOUR))
      expect(e.kind).toBe('conflict')
      expect(e.retriable).toBe(true)
    }
    const backwards = await error(engine.publish(view.name, 3, T0 + HOUR))
    expect(backwards.message).toMatch(/before the served cutoff/)
    await engine.publish(view.name, 3, T0 + 3 * HOUR)
    expect((await engine.currentPublication(view.name))?.version).toBe(3)
    expect((await engine.publications(view.name)).map((p) => p.version)).toEqual([3, 2])
    expect((await engine.publications(view.name, 1)).map((p) => p.version)).toEqual([3])
    await expect(engine.publications(view.name, 0)).rejects.toMatchObject({ kind: 'validation' })
  })

  it('drops versions older than the one to keep, never the served one', async () => {
    const { view, pipeline, engine } = fixture('drop')
    await engine.start(pipeline)
    for (const v of [1, 2, 3, 4]) await engine.buildVersion(view.name, v, T0)
    await engine.publish(view.name, 1, T0)
    expect(await engine.dropVersionsBefore(view.name, 4)).toEqual([2, 3])
    expect(await engine.versions(view.name)).toEqual([1, 4])
    const gone = await error(engine.readWindows(view.name, 2, 0, Infinity))
    expect(gone.kind).toBe('conflict')
    expect(gone.message).toMatch(/read the current publication again/)
    await engine.publish(view.name, 4, T0)
    expect(await engine.dropVersionsBefore(view.name, 4)).toEqual([1])
    await engine.buildVersion(view.name, 5, T0)
    await engine.dropVersions(view.name, [4, 6]) // 6 has no table
    expect(await engine.versions(view.name)).toEqual([5])
  })

  it('keeps run history: the latest record of each run wins, newest runs first', async () => {
    const { view, pipeline, engine } = fixture('runs')
    await engine.start(pipeline)
    const base: BatchRun = { runId: 'r1', view: view.name, attempt: 1, status: 'running', startedAt: T0, finishedAt: null, cutoff: T0, version: 1, rows: 0, error: null }
    await engine.recordRun(base)
    await engine.recordRun({ ...base, status: 'failed', finishedAt: T0 + 5, error: 'batch engine timed out' })
    await engine.recordRun({ ...base, attempt: 2, status: 'running', version: 2, error: null })
    await engine.buildVersion(view.name, 2, T0)
    await engine.publish(view.name, 2, T0)
    await engine.recordRun({ ...base, attempt: 2, status: 'succeeded', version: 2, finishedAt: T0 + 9, rows: 42 })
    await engine.recordRun({ ...base, runId: 'r2', startedAt: T0 + HOUR, error: 'it\'s "quoted" \\ and\nmultiline' })
    expect(await engine.runs(view.name, 10)).toEqual([
      { ...base, runId: 'r2', startedAt: T0 + HOUR, error: 'it\'s "quoted" \\ and\nmultiline' },
      { ...base, attempt: 2, status: 'succeeded', version: 2, finishedAt: T0 + 9, rows: 42 },
    ])
    expect((await engine.runs(view.name, 1)).map((r) => r.runId)).toEqual(['r2'])
    expect((await engine.runs(null, 100)).filter((r) => r.view === view.name).length).toBe(2)
  })

  it('adds a field declared after the master table was created, and refuses a changed type', async () => {
    const v1 = defineStream('evolving', { user: t.string(), ts: t.eventTime() })
    const engine = new ClickHouseBatchEngine(driver, clock, logger)
    await engine.start(definePipeline({ streams: [v1], views: [] }))
    await engine.ingest('evolving', [{ partition: 0, offset: 0, event: { user: 'old', ts: T0 } }])
    const v2 = defineStream('evolving', { user: t.string(), amount: t.int64(), ts: t.eventTime() })
    await engine.start(definePipeline({ streams: [v2], views: [] }))
    await engine.ingest('evolving', [{ partition: 0, offset: 1, event: { user: 'new', amount: 3, ts: T0 } }])
    expect(await driver.query('SELECT user, amount FROM tf_master_evolving ORDER BY _offset')).toEqual([
      { user: 'old', amount: '0' },
      { user: 'new', amount: '3' },
    ])
    const v3 = defineStream('evolving', { user: t.string(), amount: t.float64(), ts: t.eventTime() })
    const changed = await error(engine.start(definePipeline({ streams: [v3], views: [] })))
    expect(changed.kind).toBe('config')
    expect(changed.message).toMatch(/column "amount" of tf_master_evolving is Int64 but stream "evolving" declares Float64/)
  })

  it('refuses calls before start and unknown views', async () => {
    const { view, pipeline, engine } = fixture('lifecycle')
    expect((await error(engine.archivedOffsets(view.stream.name))).message).toMatch(/call start\(pipeline\) first/)
    await engine.start(pipeline)
    expect((await error(engine.buildVersion('nope', 1, 0))).kind).toBe('validation')
  })
})
