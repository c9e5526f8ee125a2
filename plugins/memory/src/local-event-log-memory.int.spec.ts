import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createJsonLogger, systemClock, type EventLog, type LogMessage } from '@twinflow/core'
import { afterAll, describe, expect, it } from 'vitest'
import { LocalEventLog } from './local-event-log.ts'
import { MemoryEventLog } from './memory-event-log.ts'

const RECORDS = 1_000_000
const PER_CALL = 1000
/** The producer waits for the group to catch up every this many records (about 3 segments). */
const WINDOW = 100_000
const MB = 1024 * 1024
const logger = createJsonLogger({ level: 'silent' })
const root = mkdtempSync(join(tmpdir(), 'twinflow-local-memory-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/**
 * A full collection, where this process can have one: vitest forks get no --expose-gc, but V8
 * takes the flag at run time and a new context then has `gc`. Without it, readings are coarse
 * (garbage not yet collected counts), which the bounds below allow for.
 */
const gc: (() => void) | null = (() => {
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return null
  }
})()

/** Heap and buffer memory (record values live in buffers, outside the heap), after two collections (one leaves some garbage). */
function memory(): number {
  gc?.()
  gc?.()
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** ~100 bytes of JSON. */
const event = (i: number) => Buffer.from(`{"id":${i},"user":"user-${i % 5000}","amount":${(i % 977) / 10},"at":"2026-01-01T00:00:00Z","p":"${'x'.repeat(20)}"}`)

interface Run {
  seconds: number
  growthMb: number
  recordsPerSecond: number
}

/**
 * Produces RECORDS records in calls of PER_CALL to 4 partitions while a group of one member consumes
 * and commits them; the producer lets the group catch up every WINDOW records. Memory is read
 * before the first produce and after the group has committed everything.
 */
async function produceAndConsume(log: EventLog & { caughtUp(groupId: string, topics: string[]): Promise<void> }, afterWindow: () => void = () => {}): Promise<Run> {
  await log.createTopic('events', 4)
  let consumed = 0
  const consumer = await log.consume({ groupId: 'g', topics: ['events'], eachBatch: async (batch) => void (consumed += batch.records.length) })
  const before = memory()
  const started = performance.now()
  for (let call = 0; call < RECORDS / PER_CALL; call++) {
    const messages: LogMessage[] = new Array(PER_CALL)
    for (let j = 0; j < PER_CALL; j++) {
      const i = call * PER_CALL + j
      messages[j] = { key: `user-${i % 5000}`, value: event(i) }
    }
    await log.produce('events', messages)
    if (((call + 1) * PER_CALL) % WINDOW === 0) {
      await log.caughtUp('g', ['events'])
      afterWindow()
    }
  }
  await log.caughtUp('g', ['events'])
  const seconds = (performance.now() - started) / 1000
  const growthMb = (memory() - before) / MB
  expect(consumed).toBe(RECORDS)
  await consumer.stop()
  return { seconds, growthMb, recordsPerSecond: Math.round(RECORDS / seconds) }
}

const walFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.wal'))
const report = (name: string, run: Run, extra = '') =>
  console.log(
    `${name}: ${RECORDS} records produced and consumed in ${run.seconds.toFixed(1)} s (${run.recordsPerSecond} records/s), memory growth ${run.growthMb.toFixed(1)} MB${gc ? '' : ' (no gc: coarse)'}${extra}`,
  )

describe('LocalEventLog memory', () => {
  it('stays flat through 1,000,000 records produced and consumed, deleting the segments consumed', async () => {
    const dir = join(root, 'local')
    const options = { dir, segmentBytes: 4 * MB, retentionMs: 0 }
    const log = new LocalEventLog(options, { clock: systemClock, logger })
    await log.connect()
    let mostFiles = 0
    const local = await produceAndConsume(log, () => (mostFiles = Math.max(mostFiles, walFiles(dir).length)))
    await log.close()
    const files = walFiles(dir).sort()
    const created = Number(files.at(-1)!.slice(0, 20)) + 1
    // ~130 MB written in 4 MiB segments; consumed ones went as the log rolled (and the rest at the next open).
    expect(created).toBeGreaterThan(25)
    expect(mostFiles).toBeLessThanOrEqual(6)
    const reopened = new LocalEventLog(options, { clock: systemClock, logger })
    await reopened.connect()
    expect(walFiles(dir)).toEqual([files.at(-1)])
    expect([...(await reopened.endOffsets('events')).values()].reduce((a, b) => a + b, 0)).toBe(RECORDS)
    await reopened.close()
    report('local', local, `; ${created} segments written, at most ${mostFiles} on disk`)

    // Keeping the records would take hundreds of MB (see the memory log below).
    expect(local.growthMb).toBeLessThan(gc ? 32 : 100)
  })

  it('sees a log that keeps its records: the memory log, through the same run, grows by hundreds of MB', async () => {
    const log = new MemoryEventLog({}, { clock: systemClock, logger })
    await log.connect()
    const run = await produceAndConsume(log)
    report('memory', run)
    expect(run.growthMb).toBeGreaterThan(150)
    await log.close()
  })
})
