import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJsonLogger, definePipeline, defineStream, systemClock, t, type LogBatch } from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryEventLog } from '@twinflow/plugin-memory'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { FaultyDriver } from '../testing/faulty-driver.ts'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { Archiver } from './archiver.ts'
import { ARCHIVER_DEFAULTS, type ArchiverOptions } from './archiver-options.ts'

const T0 = Date.UTC(2026, 5, 1)
const logger = createJsonLogger({ level: 'silent' })

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Two streams with their own topics (2 partitions each), a memory log and DLQ, a chdb engine behind a fault injector. */
async function setup(tag: string) {
  const orders = defineStream(`orders_${tag}`, { shop: t.string(), cents: t.int64(), paid: t.boolean(), ts: t.eventTime() })
  const visits = defineStream(`visits_${tag}`, { path: t.string(), ts: t.eventTime() })
  const pipeline = definePipeline({ streams: [orders, visits], views: [] })
  const faulty = new FaultyDriver(driver)
  const engine = new ClickHouseBatchEngine(faulty, systemClock, logger)
  await engine.start(pipeline)
  const log = new MemoryEventLog({ retry: { initialDelayMs: 10, retries: 10 } }, { clock: systemClock, logger })
  await log.connect()
  for (const s of pipeline.streams) await log.createTopic(s.topic, 2)
  const deadLetters = new MemoryDeadLetterQueue({}, { logger })
  await deadLetters.connect()
  const archiver = (options: ArchiverOptions = {}) =>
    new Archiver(engine, log, deadLetters, pipeline, systemClock, logger, { ...ARCHIVER_DEFAULTS, groupId: `archiver-${tag}`, initialRetryDelayMs: 10, ...options })
  const produce = (topic: string, values: (string | object)[]) =>
    log.produce(
      topic,
      values.map((v) => ({ value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)) })),
    )
  /** Resolves once every offset the log holds for the stream is in its master table (read past the fault injector). */
  const caughtUp = (stream: typeof orders | typeof visits) =>
    waitFor(async () => {
      const ends = await log.endOffsets(stream.topic)
      const rows = await driver.query<{ p: number; o: string }>(`SELECT _partition AS p, max(_offset) AS o FROM tf_master_${stream.name} GROUP BY _partition`)
      const archived = new Map(rows.map((r) => [r.p, Number(r.o)]))
      return [...ends].every(([p, end]) => end === 0 || archived.get(p) === end - 1)
    }, `${stream.name} to be archived`)
  const master = (stream: typeof orders | typeof visits) => driver.query<Record<string, unknown>>(`SELECT * FROM tf_master_${stream.name} ORDER BY _partition, _offset`)
  const inserts = (stream: typeof orders | typeof visits) => faulty.statements.filter((s) => s.startsWith(`INSERT INTO tf_master_${stream.name} (`))
  return { orders, visits, pipeline, faulty, engine, log, deadLetters, archiver, produce, caughtUp, master, inserts }
}

const order = (i: number) => ({ shop: `shop-${i % 3}`, cents: 100 * i, paid: i % 2 === 0, ts: T0 + i })

describe('Archiver', () => {
  it('archives every record once, with one insert per log batch; rejected records become _error rows and dead letters', async () => {
    const { orders, visits, engine, log, deadLetters, archiver, produce, caughtUp, master, inserts } = await setup('once')
    const payloads: (string | object)[] = Array.from({ length: 22 }, (_, i) => order(i))
    payloads.splice(5, 0, '{not json')
    payloads.splice(11, 0, { shop: 'x', cents: 1.5, paid: true, ts: T0 })
    payloads.push({ shop: 'tail', ts: T0 }) // a rejected record at the end of a partition
    await produce(orders.topic, payloads) // keyless: round-robin, 13 and 12 records
    await produce(visits.topic, [{ path: '/', ts: T0 }])
    const a = archiver({ maxBatchSize: 4 })
    await a.start()
    await caughtUp(orders)
    await caughtUp(visits)
    await a.stop()

    const rows = await master(orders)
    expect(rows).toHaveLength(25)
    expect(new Set(rows.map((r) => `${r._partition}/${r._offset}`)).size).toBe(25)
    const accepted = rows.filter((r) => r._error === '')
    expect(accepted.map((r) => ({ shop: r.shop, cents: Number(r.cents), paid: r.paid === 1, ts: Number(r.ts) })).sort((x, y) => x.ts - y.ts || x.cents - y.cents)).toEqual(
      Array.from({ length: 22 }, (_, i) => order(i)),
    )
    const rejected = rows.filter((r) => r._error !== '')
    expect(rejected.map((r) => String(r._error).split(':')[0]).sort()).toEqual(['invalid-json', 'schema', 'schema'])
    expect(rejected.every((r) => r.shop === '' && r.cents === '0' && r.paid === 0)).toBe(true)

    const ends = await log.endOffsets(orders.topic)
    expect(await engine.archivedOffsets(orders.name)).toEqual(new Map([...ends].map(([p, end]) => [p, end - 1])))
    // Batches of at most 4 records per partition: ceil(13/4) + ceil(12/4) inserts, never more.
    expect(inserts(orders)).toHaveLength(4 + 3)
    expect((await master(visits)).map((r) => r.path)).toEqual(['/'])

    const letters = deadLetters.letters().filter((l) => l.stream === orders.name)
    expect(letters).toHaveLength(3)
    for (const letter of letters) {
      expect(letter).toMatchObject({ stage: 'archiver', topic: orders.topic })
      const row = rows.find((r) => r._partition === letter.partition && Number(r._offset) === letter.offset)
      expect(row?._error).toBe(letter.reason)
    }
    expect(letters.map((l) => l.payload.toString())).toContain('{not json')
  })

  it('resumes from the master table, not from the consumer group’s offsets', async () => {
    const { orders, archiver, produce, caughtUp, master, log } = await setup('resume')
    await produce(orders.topic, [0, 1, 2, 3, 4].map(order))
    const first = archiver()
    await first.start()
    await caughtUp(orders)
    await first.stop()
    await produce(orders.topic, [5, 6, 7].map(order))
    const second = archiver({ groupId: 'a-group-that-never-committed' })
    await second.start()
    await caughtUp(orders)
    await second.stop()
    const rows = await master(orders)
    expect(rows.map((r) => Number(r.cents)).sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400, 500, 600, 700])
    expect(log.committedOffsets('a-group-that-never-committed', orders.topic)).toEqual(await log.endOffsets(orders.topic))
  })

  it('does not insert twice after an insert of unknown outcome: it reads the archived offsets again before retrying', async () => {
    const { orders, faulty, archiver, produce, caughtUp, master, inserts } = await setup('unknown')
    faulty.fail(new RegExp(`^INSERT INTO tf_master_${orders.name} `), 1, { when: 'after' }) // lands, then "times out"
    faulty.fail(new RegExp(`^INSERT INTO tf_master_${orders.name} `), 1, { when: 'before' }) // then a clean failure
    await produce(orders.topic, [0, 1, 2, 3].map(order))
    const a = archiver()
    await a.start()
    await caughtUp(orders)
    await a.stop()
    expect((await master(orders)).map((r) => Number(r.cents)).sort((x, y) => x - y)).toEqual([0, 100, 200, 300])
    // partition 0: landed + skipped after re-reading; partition 1: failed clean, then landed
    expect(inserts(orders)).toHaveLength(3)
  })

  it('does not insert twice when the log redelivers a batch whose outcome was unknown', async () => {
    const { orders, log, faulty, archiver, produce, caughtUp, master, inserts } = await setup('redeliver')
    const progress = new RegExp(`FROM tf_master_${orders.name} GROUP BY _partition`)
    const a = archiver({ retries: 1, initialRetryDelayMs: 50 })
    await a.start() // reads progress to resume
    // The insert lands but reports a failure; the retry cannot read progress, so the batch fails
    // back to the log, which redelivers it: the archiver must read progress first and skip it.
    faulty.fail(new RegExp(`^INSERT INTO tf_master_${orders.name} `), 1, { when: 'after' })
    faulty.fail(progress, 1)
    await produce(orders.topic, [order(0)])
    await caughtUp(orders)
    await log.caughtUp('archiver-redeliver', [orders.topic]) // committed: the redelivery is done
    await a.stop()
    expect((await master(orders)).map((r) => Number(r.cents))).toEqual([0])
    expect(inserts(orders)).toHaveLength(1)
    expect(faulty.statements.filter((s) => progress.test(s)).length).toBeGreaterThanOrEqual(3) // resume, failed retry read, read on redelivery
  })

  it('drops records at or below the high-water mark of their partition (a redelivery after a failed commit)', async () => {
    const { orders, log, archiver, produce, caughtUp, master, inserts } = await setup('highwater')
    await produce(orders.topic, [0, 1, 2, 3].map(order))
    const a = archiver()
    await a.start()
    await caughtUp(orders)
    await a.stop()
    const before = inserts(orders).length
    const batch = (offsets: number[], values: object[]): LogBatch => ({
      topic: orders.topic,
      partition: 0,
      records: offsets.map((offset, i) => ({ offset, key: null, value: Buffer.from(JSON.stringify(values[i])), timestamp: T0, headers: {} })),
      firstOffset: offsets[0]!,
      lastOffset: offsets[offsets.length - 1]!,
      highWatermark: offsets[offsets.length - 1]! + 1,
    })
    await a.archive(batch([0, 1], [order(0), order(2)])) // fully archived already
    expect(inserts(orders)).toHaveLength(before)
    await produce(orders.topic, [order(4), order(5)]) // round-robin: offset 2 of each partition
    await a.archive(batch([1, 2], [order(2), order(4)])) // overlaps: only offset 2 is new
    expect(inserts(orders)).toHaveLength(before + 1)
    const partition0 = (await master(orders)).filter((r) => r._partition === 0).map((r) => Number(r._offset))
    expect(partition0).toEqual([0, 1, 2])
    expect((await log.endOffsets(orders.topic)).get(0)).toBe(3)
  })
})
