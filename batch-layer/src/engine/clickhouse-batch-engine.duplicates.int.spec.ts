import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, max, sum, t, type Clock, type Logger } from '@twinflow/core'
import { ledgerSql } from '../sql/ledger-sql.ts'
import { LOAD_PARTITION_BASE, masterTableSql } from '../sql/master-table-sql.ts'
import { FaultyDriver } from '../testing/faulty-driver.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import type { ArchivedRecord } from './batch-layer-engine.ts'
import { ClickHouseBatchEngine } from './clickhouse-batch-engine.ts'

// A zombie archiver (one that lost its partitions while frozen mid-insert, then finished the insert)
// leaves records twice in the master table. The ledger says which blocks of offsets may hold one;
// the build deduplicates those, checks again after it, and never trusts a ledger that lags the table.

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 1)

let inner: Awaited<ReturnType<typeof openTestDriver>>
let driver: FaultyDriver
beforeAll(async () => {
  inner = await openTestDriver()
  driver = new FaultyDriver(inner)
})
afterAll(() => inner.dispose())

const clock: Clock = { now: () => T0 + 10 * HOUR, sleep: async () => {} }
const warnings: string[] = []
const silent = createJsonLogger({ level: 'silent' })
const logger: Logger = { debug: silent.debug, info: silent.info, error: silent.error, warn: (message) => void warnings.push(message), child: () => logger }

function fixture(tag: string) {
  const stream = defineStream(`clicks_${tag}`, { user: t.string(), amount: t.int64(), ts: t.eventTime() })
  const view = defineView(`byUser_${tag}`, stream, {
    groupBy: (e) => ({ user: e.user }),
    window: '1h',
    measures: (e) => ({ n: count(), total: sum(e.amount), top: max(e.amount) }),
  })
  return { stream, view, pipeline: definePipeline({ streams: [stream], views: [view] }), engine: new ClickHouseBatchEngine(driver, clock, logger) }
}

/** Records of offsets [from, to) of a partition: users a, b, c in turn, amount = offset, one per minute; every 7th rejected. */
function records(partition: number, from: number, to: number): ArchivedRecord[] {
  const out: ArchivedRecord[] = []
  for (let offset = from; offset < to; offset++) {
    out.push(
      offset % 7 === 6
        ? { partition, offset, event: {}, error: 'schema: field "user" is missing' }
        : { partition, offset, event: { user: 'abc'[offset % 3]!, amount: offset, ts: T0 + offset * 60_000 } },
    )
  }
  return out
}

/** The view over the records, each once, computed here: `{ windowStart, keys, cells }` rows sorted. */
function expected(all: readonly ArchivedRecord[], cutoff: number) {
  const once = new Map(all.map((r) => [`${r.partition}/${r.offset}`, r]))
  const groups = new Map<string, { windowStart: number; keys: string[]; cells: number[] }>()
  for (const r of once.values()) {
    if (r.error) continue
    const e = r.event as { user: string; amount: number; ts: number }
    if (e.ts >= cutoff) continue
    const windowStart = Math.floor(e.ts / HOUR) * HOUR
    const key = `${windowStart}/${e.user}`
    const g = groups.get(key) ?? { windowStart, keys: [e.user], cells: [0, 0, -Infinity] }
    g.cells = [g.cells[0]! + 1, g.cells[1]! + e.amount, Math.max(g.cells[2]!, e.amount)]
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => a.windowStart - b.windowStart || a.keys[0]!.localeCompare(b.keys[0]!))
}

const CUTOFF = T0 + 5 * HOUR
const REBUILT = 'a block of the master table got a duplicate during the build (a zombie insert): building again with it deduplicated'

describe('ClickHouseBatchEngine with records archived twice', () => {
  it('keeps the clean path: no suspect, the one-level build, one ledger read (after the build: the run’s read is the one before)', async () => {
    const { stream, view, pipeline, engine } = fixture('clean')
    await engine.start(pipeline)
    const all = [...records(0, 0, 200), ...records(1, 0, 150)]
    for (let i = 0; i < all.length; i += 50) await engine.ingest(stream.name, all.slice(i, i + 50))
    const state = await engine.masterTableState(stream.name)
    expect(state.duplicates).toEqual({ exact: true, suspects: [] })
    expect(state.watermarks).toEqual({ log: T0 + 199 * 60_000, loaded: null })
    expect(await engine.eventTimeWatermarks(stream.name)).toEqual(state.watermarks)
    const from = driver.statements.length
    await engine.buildVersion(view.name, 1, CUTOFF, state.duplicates)
    const statements = driver.statements.slice(from)
    expect(statements.filter((s) => s.startsWith('INSERT INTO tf_view_')).every((s) => !s.includes('UNION ALL'))).toBe(true)
    expect(statements.filter((s) => s.includes('system.parts'))).toHaveLength(1) // after the build only: the hint was exact
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
    expect(await engine.rejectedCount(stream.name)).toBe(all.filter((r) => r.error).length)
  })

  it('counts a record archived twice once: the ledger names its block, the build deduplicates that block only, rejected records count once', async () => {
    const { stream, view, pipeline, engine } = fixture('zombie')
    await engine.start(pipeline)
    const all = [...records(0, 0, 300), ...records(1, 0, 300), ...records(2, 2 ** 20 - 5, 2 ** 20 + 40)]
    await engine.ingest(stream.name, all)
    await engine.ingest(stream.name, records(1, 120, 180)) // the zombie's insert
    await engine.ingest(stream.name, records(2, 2 ** 20 + 1, 2 ** 20 + 3)) // another, in the second block of partition 2
    const state = await engine.masterTableState(stream.name)
    expect(state.duplicates.exact).toBe(true)
    expect(state.duplicates.suspects.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 1, block: 0 },
      { partition: 2, block: 1 },
    ])
    const from = driver.statements.length
    await engine.buildVersion(view.name, 1, T0 + 40_000 * HOUR, state.duplicates)
    expect(driver.statements.slice(from).some((s) => s.includes('UNION ALL') && s.includes('LIMIT 1 BY _partition, _offset'))).toBe(true)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, T0 + 40_000 * HOUR))
    expect(await engine.rejectedCount(stream.name)).toBe(all.filter((r) => r.error && r.partition < LOAD_PARTITION_BASE).length)
    // Without a hint, the build reads the ledger itself.
    await engine.buildVersion(view.name, 2, CUTOFF)
    expect(await engine.readWindows(view.name, 2, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
  })

  it('catches a duplicate that lands after the check the run read: builds again with its block deduplicated', async () => {
    const { stream, view, pipeline, engine } = fixture('late')
    await engine.start(pipeline)
    const all = records(3, 0, 400)
    await engine.ingest(stream.name, all)
    const stale = (await engine.masterTableState(stream.name)).duplicates
    expect(stale).toEqual({ exact: true, suspects: [] })
    await engine.ingest(stream.name, records(3, 10, 20)) // the zombie's insert lands after that read
    warnings.length = 0
    await engine.buildVersion(view.name, 1, CUTOFF, stale)
    expect(warnings).toContain(REBUILT)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
  })

  it('never trusts a ledger that lags the table: a duplicate whose twin the ledger missed is found in the table itself', async () => {
    const { stream, view, pipeline, engine } = fixture('lagging')
    await engine.start(pipeline)
    const all = records(0, 0, 100)
    await engine.ingest(stream.name, all.slice(0, 50))
    // An insert whose ledger part failed (the ledger misses offsets 50..99), then the zombie's copy of
    // it, which the ledger gets: the ledger alone now reads 0..99 once each, a clean block.
    await inner.command(`DETACH TABLE ${ledgerSql.view(stream)}`)
    await engine.ingest(stream.name, all.slice(50))
    await inner.command(`ATTACH TABLE ${ledgerSql.view(stream)}`)
    await engine.ingest(stream.name, all.slice(50))
    const state = await engine.masterTableState(stream.name)
    expect(state.duplicates).toEqual({ exact: false, suspects: [] })
    warnings.length = 0
    await engine.buildVersion(view.name, 1, CUTOFF, state.duplicates)
    expect(warnings).toContain("the ledger does not hold exactly the master table's rows: the suspect blocks are read from the table")
    expect(warnings).toContain(REBUILT)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
    // The next build deduplicates that block from the start (the engine remembers it): one build.
    warnings.length = 0
    await engine.buildVersion(view.name, 2, CUTOFF, state.duplicates)
    expect(warnings).not.toContain(REBUILT)
    expect(await engine.readWindows(view.name, 2, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
  })

  it('never trusts a ledger that counts a row the table does not hold (a seed that raced an insert)', async () => {
    const { stream, view, pipeline, engine } = fixture('over')
    await engine.start(pipeline)
    const all = records(0, 0, 100)
    await engine.ingest(stream.name, all)
    await engine.ingest(stream.name, records(0, 40, 60))
    // Counted twice in the ledger: rows 0..99 once more, so the ledger reads 0..99 twice (and 40..59 four times).
    await inner.command(ledgerSql.seed(stream, new Map([[0, 100]]))!)
    expect((await engine.masterTableState(stream.name)).duplicates.exact).toBe(false)
    await engine.buildVersion(view.name, 1, CUTOFF)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
  })

  it('tells a gap from a duplicate filling it: same count, other offsets (the offset sum)', async () => {
    const { stream, view, pipeline, engine } = fixture('gap')
    await engine.start(pipeline)
    // Offsets 0..99 without 30 (retention cut it before the archiver read it), and 70 twice: 100 rows for lo..hi = 0..99.
    const all = records(0, 0, 100).filter((r) => r.offset !== 30)
    await engine.ingest(stream.name, all)
    await engine.ingest(stream.name, records(0, 70, 71))
    expect((await engine.masterTableState(stream.name)).duplicates).toEqual({ exact: true, suspects: [{ partition: 0, block: 0 }] })
    await engine.buildVersion(view.name, 1, CUTOFF)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected(all, CUTOFF))
  })

  it('seeds a new ledger from the rows archived before it, counting none twice; loaded partitions have their own watermark', async () => {
    const { stream, view, pipeline, engine } = fixture('seed')
    await engine.start(pipeline)
    const all = [...records(0, 0, 80), ...records(LOAD_PARTITION_BASE, 0, 30)]
    await engine.ingest(stream.name, all)
    await engine.ingest(stream.name, records(0, 10, 15))
    // A deployment from before the ledger, which had the watermark view: both are replaced at start.
    await inner.command(`DROP TABLE ${ledgerSql.view(stream)}`)
    await inner.command(
      `CREATE MATERIALIZED VIEW ${masterTableSql.replacedWatermarkView(stream)} ENGINE = AggregatingMergeTree() ORDER BY _partition AS SELECT _partition, maxState(ts) AS w FROM ${masterTableSql.table(stream)} GROUP BY _partition`,
    )
    const more = records(0, 80, 90)
    await engine.ingest(stream.name, more)
    await engine.start(pipeline)
    expect(await inner.query(`SELECT name FROM system.tables WHERE database = currentDatabase() AND name = '${masterTableSql.replacedWatermarkView(stream)}'`)).toEqual([])
    const state = await engine.masterTableState(stream.name)
    expect(state.duplicates).toEqual({ exact: true, suspects: [{ partition: 0, block: 0 }] })
    expect(state.watermarks).toEqual({ log: T0 + 89 * 60_000, loaded: T0 + 29 * 60_000 })
    await engine.start(pipeline) // the ledger exists: not seeded again
    expect((await engine.masterTableState(stream.name)).duplicates.exact).toBe(true)
    await engine.buildVersion(view.name, 1, CUTOFF)
    expect(await engine.readWindows(view.name, 1, -Infinity, Infinity)).toEqual(expected([...all, ...more], CUTOFF))
    // Loaded history is not the archiver's: its rejected rows are not counted as the archiver's.
    expect(await engine.rejectedCount(stream.name)).toBe([...all, ...more].filter((r) => r.error && r.partition < LOAD_PARTITION_BASE).length)
  })

  it('has no watermark for partitions whose rows were all rejected', async () => {
    const { stream, pipeline, engine } = fixture('rejected')
    await engine.start(pipeline)
    expect(await engine.eventTimeWatermarks(stream.name)).toEqual({ log: null, loaded: null })
    await engine.ingest(stream.name, [{ partition: 0, offset: 0, event: {}, error: 'invalid-json: x' }])
    expect(await engine.eventTimeWatermarks(stream.name)).toEqual({ log: null, loaded: null })
    expect((await engine.masterTableState(stream.name)).watermarks).toEqual({ log: null, loaded: null })
  })
})
