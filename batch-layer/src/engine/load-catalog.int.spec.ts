import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJsonLogger, definePipeline, defineStream, t, type Clock } from '@twinflow/core'
import { LOADS_TABLE } from '../sql/loads-sql.ts'
import { LOAD_PARTITION_BASE } from '../sql/master-table-sql.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { ClickHouseBatchEngine } from './clickhouse-batch-engine.ts'

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

let now = Date.UTC(2026, 0, 1)
const clock: Clock = { now: () => now, sleep: async () => {} }
const sha = (prefix: string) => prefix.padEnd(64, '0')
const file = (hash: string, path = `${hash.slice(0, 6)}.csv`) => ({ sha256: hash, path, bytes: 100 })

describe('the load catalog', () => {
  it('gives a file the partition of its hash, resumes it after its last stored row, and knows it once complete', async () => {
    const stream = defineStream('loaded_a', { n: t.int64(), ts: t.eventTime() })
    const engine = new ClickHouseBatchEngine(driver, clock, createJsonLogger({ level: 'silent' }))
    await engine.start(definePipeline({ streams: [stream], views: [] }))
    const f = file(sha('ffffffff'))
    const begun = await engine.beginLoad(stream.name, f)
    expect(begun).toEqual({ partition: LOAD_PARTITION_BASE + 0x7fffffff, complete: false, nextRow: 0, rows: 0, rejected: 0 })
    await engine.ingest(stream.name, [
      { partition: begun.partition, offset: 0, event: { n: 1, ts: 1000 } },
      { partition: begun.partition, offset: 1, event: {}, error: 'mapping: field "n": empty, expected an integer' },
    ])
    // A retried insert that landed twice (its first attempt's outcome unknown): its rejected row counts once.
    await engine.ingest(stream.name, [{ partition: begun.partition, offset: 1, event: {}, error: 'mapping: field "n": empty, expected an integer' }])
    // The ledger names that block of the last partition (2^32 − 1) for the build to deduplicate.
    expect((await engine.masterTableState(stream.name)).duplicates).toEqual({ exact: true, suspects: [{ partition: begun.partition, block: 0 }] })
    now += 1000
    // The same content under another name resumes the same partition after row 1.
    expect(await engine.beginLoad(stream.name, file(f.sha256, 'renamed.csv'))).toEqual({ partition: begun.partition, complete: false, nextRow: 2, rows: 2, rejected: 1 })
    await engine.completeLoad(stream.name, f, { partition: begun.partition, rows: 2, rejected: 1 })
    expect(await engine.beginLoad(stream.name, f)).toEqual({ partition: begun.partition, complete: true, nextRow: 2, rows: 2, rejected: 1 })
    // Loaded rows are counted in the loaded watermark, not the log's.
    expect(await engine.eventTimeWatermarks(stream.name)).toEqual({ log: null, loaded: 1000 })
    expect(await engine.rejectedCount(stream.name)).toBe(0)
  })

  it('probes to the next number when another file holds its partition, wrapping at 2^32', async () => {
    const stream = defineStream('loaded_b', { n: t.int64(), ts: t.eventTime() })
    const engine = new ClickHouseBatchEngine(driver, clock, createJsonLogger({ level: 'silent' }))
    await engine.start(definePipeline({ streams: [stream], views: [] }))
    // Both hashes start with the same 31 bits (the 32nd differs).
    const a = await engine.beginLoad(stream.name, file(sha('fffffffe')))
    now += 1
    const b = await engine.beginLoad(stream.name, file(sha('ffffffff')))
    expect([a.partition, b.partition]).toEqual([2 ** 32 - 1, LOAD_PARTITION_BASE])
    const c = await engine.beginLoad(stream.name, file(sha('00000001')))
    expect(c.partition).toBe(LOAD_PARTITION_BASE + 1)
  })

  it('two files that take the same number at the same instant: the older entry holds it, the other probes on', async () => {
    const stream = defineStream('loaded_c', { n: t.int64(), ts: t.eventTime() })
    const engine = new ClickHouseBatchEngine(driver, clock, createJsonLogger({ level: 'silent' }))
    await engine.start(definePipeline({ streams: [stream], views: [] }))
    const base = LOAD_PARTITION_BASE + 0x10
    // What a concurrent process wrote between this one's read and its insert: the same number, earlier.
    await driver.insert(LOADS_TABLE, [{ stream: stream.name, sha256: sha('00000021'), path: 'x', bytes: 1, partition: base, rows: 0, rejected: 0, status: 'started', at: now - 5 }])
    await driver.insert(LOADS_TABLE, [{ stream: stream.name, sha256: sha('00000020'), path: 'y', bytes: 1, partition: base, rows: 0, rejected: 0, status: 'started', at: now }])
    expect((await engine.beginLoad(stream.name, file(sha('00000020')))).partition).toBe(base + 1)
    expect((await engine.beginLoad(stream.name, file(sha('00000021')))).partition).toBe(base)
  })
})
