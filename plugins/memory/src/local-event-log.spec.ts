import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger, systemClock, TwinflowError, type Clock, type Logger, type LogMessage } from '@twinflow/core'
import { BatchCollector, eventLogConformance } from '@twinflow/testing/conformance'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { LocalEventLog } from './local-event-log.ts'
import { parseLocalEventLogOptions, type LocalEventLogOptions } from './local-event-log-options.ts'
import { localEventLogPlugin } from './local-event-log-plugin.ts'
import { partitionForKey } from './murmur2.ts'

const silent = createJsonLogger({ level: 'silent' })
const fastRetry = { retries: 3, initialDelayMs: 5, maxDelayMs: 20 }
const root = mkdtempSync(join(tmpdir(), 'twinflow-local-log-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let dirs = 0
const freshDir = (label: string) => join(root, `${label}-${++dirs}`)

// A fresh directory per test (this hook runs before the suite's own): the logs of one test share it.
let conformanceDir = ''
beforeEach(() => {
  conformanceDir = freshDir('conformance')
})
eventLogConformance('local', () => new LocalEventLog({ dir: conformanceDir, retry: fastRetry }, { clock: systemClock, logger: silent }), { durable: true })

/** A logger that keeps warnings and errors. */
function recordingLogger() {
  const warnings: { message: string; fields: Record<string, unknown> }[] = []
  const errors: { message: string; fields: Record<string, unknown> }[] = []
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message, fields = {}) => void warnings.push({ message, fields }),
    error: (message, fields = {}) => void errors.push({ message, fields }),
    child: () => logger,
  }
  return { logger, warnings, errors }
}

/** A clock the test moves by hand (sleeps are real: retries still back off). */
class ManualClock implements Clock {
  time = Date.UTC(2026, 0, 1)
  now(): number {
    return this.time
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal)
  }
}

async function openLog(dir: string, options: Partial<LocalEventLogOptions> = {}, deps: { clock?: Clock; logger?: Logger } = {}) {
  const log = new LocalEventLog({ dir, retry: fastRetry, ...options }, { clock: deps.clock ?? systemClock, logger: deps.logger ?? silent })
  await log.connect()
  return log
}

const values = (from: number, count: number, key?: (i: number) => string): LogMessage[] =>
  Array.from({ length: count }, (_, i) => ({ ...(key ? { key: key(from + i) } : {}), value: Buffer.from(`v${from + i}`) }))

/** Every record of a topic, read by a new group: per partition, its values in offset order. */
async function readAll(log: LocalEventLog, topic: string): Promise<Map<number, { offset: number; value: string }[]>> {
  const collector = new BatchCollector()
  const groupId = `read-all-${++dirs}`
  const consumer = await log.consume({ groupId, topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
  await log.caughtUp(groupId, [topic])
  await consumer.stop()
  expect(collector.errors).toEqual([])
  const out = new Map<number, { offset: number; value: string }[]>()
  for (const r of collector.records()) out.set(r.partition, [...(out.get(r.partition) ?? []), { offset: r.offset, value: r.value }])
  return out
}

const segmentFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.wal'))
    .sort()

/** The frames of a segment file: position and total length (header included). */
function framesOf(file: string): { position: number; length: number }[] {
  const bytes = readFileSync(file)
  const out: { position: number; length: number }[] = []
  for (let at = 0; at + 12 <= bytes.length; ) {
    const length = 12 + bytes.readUInt32LE(at + 4)
    out.push({ position: at, length })
    at += length
  }
  return out
}

describe('LocalEventLog', () => {
  it('keeps topics, records, checkpoints and committed offsets across close and reopen', async () => {
    const dir = freshDir('reopen')
    const log = await openLog(dir)
    await log.createTopic('t', 3)
    await log.createTopic('empty', 2)
    await log.produce(
      't',
      values(0, 30, (i) => `k${i % 7}`),
      { checkpoint: { key: 'src', value: 'after-30' } },
    )
    await log.produce('t', [{ key: 'h', value: Buffer.from('with headers'), headers: { a: '1', __proto__: 'x' }, timestamp: 42 }])
    const collector = new BatchCollector()
    await log.consume({ groupId: 'g', topics: ['t'], eachBatch: collector.eachBatch, onError: collector.onError, maxBatchSize: 4 })
    await log.caughtUp('g', ['t'])
    const ends = await log.endOffsets('t')
    const committed = log.committedOffsets('g', 't')
    const before = await readAll(log, 't')
    await log.close()
    expect(JSON.parse(readFileSync(join(dir, 'groups.json'), 'utf8')).groups.g).toEqual({
      topics: ['t'],
      offsets: { t: Object.fromEntries([...committed].map(([p, o]) => [String(p), o])) },
    })

    const again = await openLog(dir)
    expect(await again.endOffsets('t')).toEqual(ends)
    expect(await again.endOffsets('empty')).toEqual(
      new Map([
        [0, 0],
        [1, 0],
      ]),
    )
    expect(await again.loadCheckpoint('src')).toBe('after-30')
    expect(again.committedOffsets('g', 't')).toEqual(committed)
    expect(await readAll(again, 't')).toEqual(before)
    const collector2 = new BatchCollector()
    await again.consume({ groupId: 'g', topics: ['t'], eachBatch: collector2.eachBatch, onError: collector2.onError })
    const withHeaders = []
    await again.produce('t', [{ key: 'h', value: Buffer.from('after') }])
    await again.caughtUp('g', ['t'])
    // The group went on after its commits: only the new record.
    expect(collector2.records().map((r) => r.value)).toEqual(['after'])
    const partition = partitionForKey('h', 3)
    withHeaders.push(...(await readAll(again, 't')).get(partition)!.filter((r) => r.value.startsWith('with')))
    expect(withHeaders).toHaveLength(1)
    await again.close()
  })

  it('gives back key, headers (even "__proto__") and timestamp from the files', async () => {
    const dir = freshDir('fields')
    let log = await openLog(dir)
    await log.createTopic('t', 1)
    await log.produce('t', [{ key: 'ключ', value: Buffer.from([0, 255, 7]), headers: { a: 'b', ['__proto__']: 'x' }, timestamp: 1234.5 }, { value: Buffer.alloc(0) }])
    await log.close()
    log = await openLog(dir)
    const collector = new BatchCollector()
    await log.consume({ groupId: 'g', topics: ['t'], eachBatch: collector.eachBatch })
    await log.caughtUp('g', ['t'])
    const [a, b] = collector.batches.flatMap((batch) => batch.records)
    expect([a!.offset, a!.key, [...a!.value], a!.timestamp, Object.entries(a!.headers)]).toEqual([
      0,
      'ключ',
      [0, 255, 7],
      1234.5,
      [
        ['a', 'b'],
        ['__proto__', 'x'],
      ],
    ])
    expect(Object.getPrototypeOf(a!.headers)).toBe(Object.prototype)
    expect([b!.offset, b!.key, b!.value.length, b!.headers]).toEqual([1, null, 0, {}])
    await log.close()
  })

  it('reads across segment boundaries, from the cache and from the files', async () => {
    const dir = freshDir('segments')
    let log = await openLog(dir, { segmentBytes: 1024 })
    await log.createTopic('t', 2)
    for (let i = 0; i < 60; i++)
      await log.produce(
        't',
        values(i * 5, 5, (j) => `k${j}`),
      )
    expect(segmentFiles(dir).length).toBeGreaterThan(10)
    const expected = (records: Map<number, { offset: number; value: string }[]>) => {
      const all = [...records.values()].flat().map((r) => r.value)
      expect(all.sort()).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`).sort())
      for (const list of records.values()) expect(list.map((r) => r.offset)).toEqual(list.map((_, i) => i))
    }
    expected(await readAll(log, 't'))
    // One batch spans many segments.
    const big = new BatchCollector()
    await log.consume({ groupId: 'big', topics: ['t'], eachBatch: big.eachBatch, maxBatchSize: 10_000 })
    await log.caughtUp('big', ['t'])
    expect(Math.max(...big.batches.map((b) => b.records.length))).toBeGreaterThan(100)
    await log.close()
    log = await openLog(dir, { segmentBytes: 1024 })
    expected(await readAll(log, 't'))
    await log.close()
  })

  it('cuts a torn tail at reopen, with a warning naming the bytes, and keeps the frames before it', async () => {
    const dir = freshDir('torn')
    const log = await openLog(dir)
    await log.createTopic('t', 1)
    await log.produce('t', values(0, 3), { checkpoint: { key: 'c', value: '3' } })
    await log.produce('t', values(3, 3), { checkpoint: { key: 'c', value: '6' } })
    await log.consume({ groupId: 'g', topics: ['t'], eachBatch: async () => {} })
    await log.caughtUp('g', ['t'])
    await log.close()
    const [file] = segmentFiles(dir)
    const path = join(dir, file!)
    const last = framesOf(path).at(-1)!
    truncateSync(path, last.position + 20) // a crash 20 bytes into the last frame
    const { logger, warnings } = recordingLogger()
    const reopened = await openLog(dir, {}, { logger })
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^the local event log cut 20 bytes after a frame cut short/),
      expect.stringMatching(/^a consumer group committed past the end of the log/),
    ])
    expect(warnings[0]!.fields).toMatchObject({ file: path, position: last.position, bytes: 20 })
    expect(warnings[1]!.fields).toMatchObject({ group: 'g', topic: 't', partition: 0, committed: 6, end: 3 })
    // The group's commit past the cut comes back to the end: the offsets written again are new records for it.
    expect(reopened.committedOffsets('g', 't')).toEqual(new Map([[0, 3]]))
    expect(statSync(path).size).toBe(last.position)
    expect(await reopened.endOffsets('t')).toEqual(new Map([[0, 3]]))
    expect(await reopened.loadCheckpoint('c')).toBe('3')
    expect((await readAll(reopened, 't')).get(0)!.map((r) => r.value)).toEqual(['v0', 'v1', 'v2'])
    // Writing goes on from there; the next open finds nothing to cut.
    await reopened.produce('t', values(100, 2))
    const group = new BatchCollector()
    await reopened.consume({ groupId: 'g', topics: ['t'], eachBatch: group.eachBatch })
    await reopened.caughtUp('g', ['t'])
    expect(group.records().map((r) => r.value)).toEqual(['v100', 'v101'])
    await reopened.close()
    const { logger: quiet, warnings: none } = recordingLogger()
    const third = await openLog(dir, {}, { logger: quiet })
    expect(none).toEqual([])
    expect((await readAll(third, 't')).get(0)!.map((r) => r.value)).toEqual(['v0', 'v1', 'v2', 'v100', 'v101'])
    await third.close()
  })

  it('cuts at a frame whose checksum fails, and everything after it', async () => {
    const dir = freshDir('corrupt')
    const log = await openLog(dir)
    await log.createTopic('t', 1)
    for (let i = 0; i < 4; i++) await log.produce('t', values(i * 2, 2))
    await log.close()
    const path = join(dir, segmentFiles(dir)[0]!)
    const frames = framesOf(path)
    const second = frames.at(-3)! // the second produce frame of four
    const bytes = readFileSync(path)
    bytes[second.position + second.length - 3]! ^= 0xff
    writeFileSync(path, bytes)
    const { logger, warnings } = recordingLogger()
    const reopened = await openLog(dir, {}, { logger })
    const cut = bytes.length - second.position
    expect(warnings.map((w) => w.message)).toEqual([
      `the local event log cut ${cut} bytes after a frame whose checksum does not match (a write torn by a crash, or a damaged file)`,
    ])
    expect((await readAll(reopened, 't')).get(0)!.map((r) => r.value)).toEqual(['v0', 'v1'])
    await reopened.close()
  })

  it('loses a produce cut in the middle whole, its checkpoint with it, never a part of it', async () => {
    const dir = freshDir('atomic')
    const log = await openLog(dir)
    await log.createTopic('t', 2)
    const [a, b] = [0, 1].map((p) => {
      for (let i = 0; ; i++) if (partitionForKey(`k${i}`, 2) === p) return `k${i}`
    })
    await log.produce('t', [{ key: a!, value: Buffer.from('a0') }], { checkpoint: { key: 'src', value: 'one' } })
    await log.produce(
      't',
      [
        { key: a!, value: Buffer.from('a1') },
        { key: b!, value: Buffer.from('b0') },
      ],
      { checkpoint: { key: 'src', value: 'two' } },
    )
    await log.close()
    const path = join(dir, segmentFiles(dir)[0]!)
    const last = framesOf(path).at(-1)!
    // Cut after the first block (partition a's record), before partition b's and the end.
    truncateSync(path, last.position + Math.floor(last.length / 2))
    const reopened = await openLog(dir)
    expect(await reopened.endOffsets('t')).toEqual(
      new Map([
        [0, 1],
        [1, 0],
      ]),
    )
    expect(await reopened.loadCheckpoint('src')).toBe('one')
    expect((await readAll(reopened, 't')).get(0)!.map((r) => r.value)).toEqual(['a0'])
    await reopened.close()
  })

  describe('retention', () => {
    /** A log with small segments and 1 s retention, on a clock the test moves. */
    async function setup(label: string) {
      const dir = freshDir(label)
      const clock = new ManualClock()
      const recorded = recordingLogger()
      const options = { segmentBytes: 1024, retentionMs: 1000 }
      const log = await openLog(dir, options, { clock, logger: recorded.logger })
      await log.createTopic('t', 1)
      await log.createTopic('u', 1)
      /** Produces `frames` calls of 5 records (~100 bytes each: about 8 calls a segment). */
      let next = 0
      const produce = async (frames: number, topic = 't') => {
        for (let i = 0; i < frames; i++) {
          await log.produce(
            topic,
            values(next, 5).map((m) => ({ ...m, value: Buffer.concat([m.value, Buffer.alloc(90)]) })),
          )
          next += 5
        }
      }
      const reopen = () => openLog(dir, options, { clock, logger: recorded.logger })
      return { dir, clock, log, produce, reopen, ...recorded }
    }

    it('deletes nothing younger than retentionMs, then the old segments no group needs', async () => {
      const { dir, clock, log, produce } = await setup('retention-age')
      await produce(40)
      const files = segmentFiles(dir)
      expect(files.length).toBeGreaterThan(4)
      clock.time += 999
      await produce(10) // rolls: too young still
      expect(segmentFiles(dir).slice(0, files.length)).toEqual(files)
      expect(log.startOffsets('t')).toEqual(new Map([[0, 0]]))
      clock.time += 2
      await produce(10) // rolls: the first 40 produce calls are now old
      const left = segmentFiles(dir)
      expect(left[0]! > files.at(-2)!).toBe(true)
      const first = log.startOffsets('t').get(0)!
      expect(first).toBeGreaterThan(150)
      expect(await log.endOffsets('t')).toEqual(new Map([[0, 300]]))
      // A new group starts at the first offset kept.
      const all = await readAll(log, 't')
      expect(all.get(0)![0]).toEqual({ offset: first, value: `v${first}${'\0'.repeat(90)}` })
      expect(all.get(0)!.length).toBe(300 - first)
      await log.close()
    })

    it('keeps a segment until every group of its topics has committed past it', async () => {
      const { dir, clock, log, produce, warnings } = await setup('retention-groups')
      await produce(40)
      // The slow group handles 0-59 in batches of 20, then holds its batch from 60 on.
      let release = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      await log.consume({ groupId: 'slow', topics: ['t'], eachBatch: async (b) => (b.lastOffset >= 60 ? held : undefined), maxBatchSize: 20 })
      // A group of another topic holds back nothing of t.
      await log.consume({ groupId: 'other', topics: ['u'], eachBatch: async () => {} })
      await vi.waitFor(() => expect(log.committedOffsets('slow', 't').get(0)).toBe(60))
      clock.time += 5000
      await produce(10)
      // Segments wholly below 60 are gone; the one holding 60 is kept, and so is everything after it.
      const first = log.startOffsets('t').get(0)!
      expect(first).toBeGreaterThan(0)
      expect(first).toBeLessThanOrEqual(60)
      expect(warnings.some((w) => /keeps a segment past retention/.test(w.message) && (w.fields.groups as string[]).includes('slow'))).toBe(true)
      expect(warnings.some((w) => (w.fields.groups as string[] | undefined)?.includes('other'))).toBe(false)
      const kept = segmentFiles(dir).length
      release()
      await log.caughtUp('slow', ['t'])
      clock.time += 5000
      await produce(10)
      expect(segmentFiles(dir).length).toBeLessThan(kept)
      expect(log.startOffsets('t').get(0)!).toBeGreaterThan(200)
      await log.close()
    })

    it('starts a member below the first offset (resumeFrom, committed offset or none) at the first offset, with a warning', async () => {
      const { clock, log, produce, warnings } = await setup('retention-resume')
      await produce(40)
      clock.time += 5000
      await produce(10)
      const first = log.startOffsets('t').get(0)!
      expect(first).toBeGreaterThan(0)
      const collector = new BatchCollector()
      await log.consume({ groupId: 'late', topics: ['t'], eachBatch: collector.eachBatch, resumeFrom: async () => new Map([[0, 0]]) })
      await log.caughtUp('late', ['t'])
      expect(collector.batches[0]!.firstOffset).toBe(first)
      expect(warnings.find((w) => w.message.startsWith('resume offset is below the oldest record kept'))?.fields).toMatchObject({ offset: 0, first, group: 'late' })
      await log.close()
    })

    it('applies retention at open, and keeps topics, end offsets and checkpoints whose frames were deleted', async () => {
      const { dir, clock, log, produce, reopen } = await setup('retention-open')
      await log.produce('u', values(0, 2), { checkpoint: { key: 'src', value: 'early' } })
      await produce(40)
      await log.close()
      const files = segmentFiles(dir)
      clock.time += 5000
      const again = await reopen()
      const left = segmentFiles(dir)
      expect(left).toEqual([files.at(-1)])
      // Topic creations, u's records and the checkpoint were in the deleted segments.
      expect(await again.endOffsets('t')).toEqual(new Map([[0, 200]]))
      expect(await again.endOffsets('u')).toEqual(new Map([[0, 2]]))
      expect(again.startOffsets('u')).toEqual(new Map([[0, 2]]))
      expect(await again.loadCheckpoint('src')).toBe('early')
      await again.produce('u', values(2, 1))
      expect((await readAll(again, 'u')).get(0)).toEqual([{ offset: 2, value: 'v2' }])
      await again.close()
      const third = await reopen()
      expect(await third.endOffsets('u')).toEqual(new Map([[0, 3]]))
      await third.close()
    })
  })

  it('fails a write that cannot be made, gives its offsets back, and goes on once it can', async () => {
    const dir = freshDir('write-fails')
    const { logger, errors } = recordingLogger()
    const log = await openLog(dir, { segmentBytes: 1024 }, { logger })
    await log.createTopic('t', 1)
    // The next segment's name is taken: the roll fails.
    const obstacle = join(dir, '00000000000000000001.wal')
    mkdirSync(obstacle)
    const big = () => [{ value: Buffer.alloc(300, 1) }]
    let failure: unknown = null
    let written = 0
    while (failure === null && written < 10) {
      await log.produce('t', big(), { checkpoint: { key: 'c', value: String(written + 1) } }).then(
        () => written++,
        (e: unknown) => (failure = e),
      )
    }
    expect(TwinflowError.is(failure, 'unavailable') && failure.retriable).toBe(true)
    expect(errors.map((e) => e.message)).toEqual(['the local event log failed to write'])
    expect(await log.endOffsets('t')).toEqual(new Map([[0, written]]))
    expect(await log.loadCheckpoint('c')).toBe(String(written))
    rmSync(obstacle, { recursive: true })
    await log.produce('t', big())
    expect(await log.endOffsets('t')).toEqual(new Map([[0, written + 1]]))
    await log.close()
    const again = await openLog(dir, { segmentBytes: 1024 })
    expect((await readAll(again, 't')).get(0)!.map((r) => r.offset)).toEqual(Array.from({ length: written + 1 }, (_, i) => i))
    await again.close()
  })

  it('refuses a second log on the same directory in this process, until the first is closed', async () => {
    const dir = freshDir('twice')
    const first = await openLog(dir)
    const second = new LocalEventLog({ dir: join(dir, '.', '') }, { clock: systemClock, logger: silent })
    const error = await second.connect().then(
      () => null,
      (e: unknown) => e,
    )
    expect(TwinflowError.is(error, 'config')).toBe(true)
    expect((error as Error).message).toMatch(/is already open in this process/)
    await first.close()
    await second.connect()
    await second.close()
  })

  it('checks messages before giving out offsets', async () => {
    const log = await openLog(freshDir('checks'))
    await log.createTopic('t', 1)
    await expect(log.produce('t', [{ value: Buffer.from('a') }, { value: Buffer.from('b'), timestamp: 'now' as unknown as number }])).rejects.toThrow(
      /message 1 has a timestamp that is not a finite number for topic "t"/,
    )
    await expect(log.produce('t', [{ value: Buffer.from('a'), headers: { n: 1 as unknown as string } }])).rejects.toThrow(/headers that are not strings/)
    await log.produce('t', [{ value: Buffer.from('ok') }])
    expect(await log.endOffsets('t')).toEqual(new Map([[0, 1]]))
    await log.close()
    await expect(log.produce('t', [{ value: Buffer.from('late') }])).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable'))
  })

  it('validates its options with messages that name the option', () => {
    expect(parseLocalEventLogOptions({ dir: '/x' })).toEqual({
      dir: '/x',
      segmentBytes: 64 * 1024 * 1024,
      retentionMs: 7 * 24 * 3600 * 1000,
      fsync: false,
      defaultPartitions: 1,
      autoCreateTopics: false,
      retry: { retries: 5, initialDelayMs: 300, maxDelayMs: 30_000 },
    })
    // Without a dir, the plugin keeps the log in the data directory (<dataDir>/log) and holds it.
    expect(localEventLogPlugin.parseOptions({}).dir).toBeUndefined()
    expect(localEventLogPlugin.usesDataDirectory?.(localEventLogPlugin.parseOptions({}))).toBe(true)
    expect(localEventLogPlugin.usesDataDirectory?.(localEventLogPlugin.parseOptions({ dir: '/x' }))).toBe(false)
    expect(() => localEventLogPlugin.parseOptions({ dir: '/x', segmentBytes: 10 })).toThrow('segmentBytes: must be an integer >= 1024, got 10')
    expect(() => localEventLogPlugin.parseOptions({ dir: '/x', retentionMs: -1 })).toThrow('retentionMs: must be an integer >= 0, got -1')
    expect(() => localEventLogPlugin.parseOptions({ dir: '/x', fsync: 'yes' })).toThrow('fsync: must be true or false, got "yes"')
    expect(() => localEventLogPlugin.parseOptions({ dir: '/x', retry: { retries: -1 } })).toThrow('retry.retries: must be an integer >= 0, got -1')
    expect(() => localEventLogPlugin.parseOptions({ dir: '/x', path: '/y' })).toThrow(
      'unknown option "path"; known options: defaultPartitions, autoCreateTopics, retry, dir, segmentBytes, retentionMs, fsync',
    )
    expect(() => localEventLogPlugin.parseOptions('x')).toThrow('must be an object, got "x"')
  })
})
