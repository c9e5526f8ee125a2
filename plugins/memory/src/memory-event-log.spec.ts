import { createJsonLogger, systemClock, TwinflowError, type LogBatch } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { MemoryEventLog } from './memory-event-log.ts'
import type { MemoryLogBatch } from './memory-log-consumer.ts'
import { parseMemoryEventLogOptions, type MemoryEventLogOptions } from './memory-event-log-options.ts'
import { memoryEventLogPlugin } from './memory-event-log-plugin.ts'
import { partitionForKey } from './murmur2.ts'
import { BatchCollector, eventLogConformance } from '@twinflow/testing/conformance'

const logger = createJsonLogger({ level: 'silent' })
const fastRetry = { retries: 3, initialDelayMs: 5, maxDelayMs: 20 }
const makeLog = (options: MemoryEventLogOptions = {}) => new MemoryEventLog({ retry: fastRetry, ...options }, { clock: systemClock, logger })
const value = (s: string) => ({ value: Buffer.from(s) })

/** A key that Kafka's partitioner sends to `partition`. */
const keyFor = (partition: number, partitions: number) => {
  for (let i = 0; ; i++) if (partitionForKey(`k${i}`, partitions) === partition) return `k${i}`
}

function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

async function connected(options?: MemoryEventLogOptions) {
  const log = makeLog(options)
  await log.connect()
  return log
}

eventLogConformance('memory', () => makeLog())

describe('MemoryEventLog', () => {
  it("puts a keyed message where Kafka's default partitioner would, and keyless ones round-robin", async () => {
    const log = await connected()
    await log.createTopic('t', 3)
    await log.produce('t', [{ key: 'kafka', value: Buffer.from('x') }])
    const expected = partitionForKey('kafka', 3)
    expect((await log.endOffsets('t')).get(expected)).toBe(1)
    await log.produce('t', [value('a'), value('b'), value('c'), value('d'), value('e'), value('f')])
    expect([...(await log.endOffsets('t')).values()].map((n, p) => n - (p === expected ? 1 : 0))).toEqual([2, 2, 2])
  })

  it('creates unknown topics on first use only when told to', async () => {
    const strict = await connected()
    await expect(strict.produce('x', [value('a')])).rejects.toThrow(/unknown topic "x"; known topics: none/)
    const lenient = await connected({ autoCreateTopics: true, defaultPartitions: 4 })
    await lenient.produce('x', [value('a')])
    expect((await lenient.endOffsets('x')).size).toBe(4)
  })

  it('refuses to work before connect() and rejects messages without a Buffer value', async () => {
    const log = makeLog()
    await expect(log.createTopic('t', 1)).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable'))
    await log.connect()
    await log.createTopic('t', 1)
    await expect(log.produce('t', [{ value: 'text' as unknown as Buffer }])).rejects.toThrow(/message 0 for topic "t" has no Buffer value/)
    await expect(log.createTopic('u', 0)).rejects.toThrow(/partitions >= 1/)
    expect((await log.endOffsets('t')).get(0)).toBe(0)
  })

  it('validates its options with messages that say what to fix', () => {
    expect(parseMemoryEventLogOptions(undefined)).toEqual({ defaultPartitions: 1, autoCreateTopics: false, retry: { retries: 5, initialDelayMs: 300, maxDelayMs: 30_000 } })
    expect(() => memoryEventLogPlugin.parseOptions({ defaultPartitions: 0 })).toThrow('defaultPartitions: must be an integer >= 1, got 0')
    expect(() => memoryEventLogPlugin.parseOptions({ defaultPartitions: '3' })).toThrow('defaultPartitions: must be an integer >= 1, got "3"')
    expect(() => memoryEventLogPlugin.parseOptions({ retry: { retries: -1 } })).toThrow('retry.retries: must be an integer >= 0, got -1')
    expect(() => memoryEventLogPlugin.parseOptions({ autoCreateTopics: 'yes' })).toThrow('autoCreateTopics: must be true or false, got "yes"')
    expect(() => memoryEventLogPlugin.parseOptions({ partitions: 3 })).toThrow('unknown option "partitions"; known options: defaultPartitions, autoCreateTopics, retry')
    expect(() => memoryEventLogPlugin.parseOptions({ retry: { delay: 3 } })).toThrow('retry: unknown option "delay"; known options: retries, initialDelayMs, maxDelayMs')
    expect(() => memoryEventLogPlugin.parseOptions([])).toThrow('must be an object, got []')
    expect(() => memoryEventLogPlugin.parseOptions({ defaultPartitions: 0 })).toThrow(TwinflowError)
  })

  it('lets a crashed member go without waiting for it, and redelivers its uncommitted batch to the others', async () => {
    const log = await connected()
    await log.createTopic('t', 1)
    await log.produce('t', [value('a'), value('b')])
    const stuck = deferred()
    const started = deferred()
    const crashed = await log.consume({
      groupId: 'g',
      topics: ['t'],
      eachBatch: async () => {
        started.resolve()
        await stuck.promise
      },
    })
    await started.promise
    const survivor = new BatchCollector()
    const joined = log.consume({ groupId: 'g', topics: ['t'], eachBatch: survivor.eachBatch, onError: survivor.onError })
    await crashed.crash()
    await joined
    await survivor.until((c) => c.records().length >= 2, 'the redelivered batch')
    expect(survivor.batches[0]!.firstOffset).toBe(0)
    stuck.resolve()
    await log.caughtUp('g', ['t'])
    expect(log.committedOffsets('g', 't')).toEqual(new Map([[0, 2]]))
    expect(log.consumers('g')).toHaveLength(1)
    expect(crashed.state).toBe('crashed')
    await crashed.stop()
  })

  it("aborts the signal of a crashed member's batches in flight, and only on a crash", async () => {
    const log = await connected()
    await log.createTopic('t', 1)
    const release = deferred()
    const seen: AbortSignal[] = []
    const consumer = await log.consume({
      groupId: 'g',
      topics: ['t'],
      eachBatch: async (batch) => {
        seen.push((batch as MemoryLogBatch).signal)
        await release.promise
      },
    })
    await log.produce('t', [value('a')])
    await new Promise((r) => setImmediate(r))
    expect(seen[0]!.aborted).toBe(false)
    await consumer.crash()
    expect(seen[0]!.aborted).toBe(true)
    expect(TwinflowError.is(seen[0]!.reason, 'unavailable')).toBe(true)
    release.resolve()
    const graceful = await log.consume({ groupId: 'g', topics: ['t'], eachBatch: async (batch) => void seen.push((batch as MemoryLogBatch).signal) })
    await log.caughtUp('g', ['t'])
    await graceful.stop()
    expect(seen[1]!.aborted).toBe(false)
  })

  it('makes a joining member wait until the batch in flight is done and committed, so nothing is redelivered', async () => {
    const log = await connected()
    await log.createTopic('t', 2)
    const [a, b] = [keyFor(0, 2), keyFor(1, 2)]
    await log.produce('t', [
      { key: a, value: Buffer.from('1') },
      { key: b, value: Buffer.from('2') },
    ])
    const release = deferred()
    const first = new BatchCollector()
    let blocked = false
    await log.consume({
      groupId: 'g',
      topics: ['t'],
      eachBatch: async (batch) => {
        if (!blocked) {
          blocked = true
          await release.promise
        }
        await first.eachBatch(batch)
      },
    })
    const second = new BatchCollector()
    let joined = false
    const joining = log.consume({ groupId: 'g', topics: ['t'], eachBatch: second.eachBatch }).then(() => (joined = true))
    await new Promise((r) => setImmediate(r))
    expect(joined).toBe(false)
    release.resolve()
    await joining
    await log.caughtUp('g', ['t'])
    await log.produce('t', [
      { key: a, value: Buffer.from('3') },
      { key: b, value: Buffer.from('4') },
    ])
    await log.caughtUp('g', ['t'])
    const delivered = [...first.records(), ...second.records()].map((r) => r.value).sort()
    expect(delivered).toEqual(['1', '2', '3', '4'])
    expect(second.records().map((r) => r.value)).toEqual(['4'])
    await log.close()
  })

  it('redelivers from the committed offset after a retriable failure, with the records that arrived meanwhile', async () => {
    const log = await connected({ retry: { retries: 3, initialDelayMs: 30, maxDelayMs: 30 } })
    await log.createTopic('t', 1)
    await log.produce('t', [value('a')])
    const collector = new BatchCollector()
    let fail = true
    collector.failWhen = () => {
      if (!fail) return null
      fail = false
      void log.produce('t', [value('b'), value('c')])
      return new TwinflowError('unavailable', 'blip')
    }
    await log.consume({ groupId: 'g', topics: ['t'], eachBatch: collector.eachBatch, onError: collector.onError })
    await collector.until((c) => c.records().length >= 3, 'the grown batch')
    expect(collector.batches[0]!.records.map((r) => r.value.toString())).toEqual(['a', 'b', 'c'])
    await log.close()
  })

  it('stops a member whose retries are exhausted, reporting a non-retriable error with the last cause', async () => {
    const log = await connected({ retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 1 } })
    await log.createTopic('t', 1)
    await log.produce('t', [value('a')])
    const collector = new BatchCollector()
    const down = new TwinflowError('unavailable', 'down')
    collector.failWhen = () => down
    const consumer = await log.consume({ groupId: 'g', topics: ['t'], eachBatch: collector.eachBatch, onError: collector.onError })
    await collector.until((c) => c.errors.some((e) => TwinflowError.is(e) && !e.retriable), 'the final error')
    await consumer.stop()
    const final = collector.errors.at(-1) as TwinflowError
    expect(final.cause).toBe(down)
    expect(final.message).toMatch(/eachBatch of t\[0\] failed after 3 attempts/)
    expect(collector.errors.filter((e) => e === down)).toHaveLength(2)
    expect(consumer.state).toBe('failed')
    expect(log.consumers('g')).toEqual([])
    expect(log.committedOffsets('g', 't')).toEqual(new Map())
  })

  it('fails consume() when resumeFrom fails for good, leaving the group as it was', async () => {
    const log = await connected()
    await log.createTopic('t', 1)
    const bad = new TwinflowError('config', 'no progress table')
    await expect(log.consume({ groupId: 'g', topics: ['t'], eachBatch: async () => {}, onError: () => {}, resumeFrom: () => Promise.reject(bad) })).rejects.toBe(bad)
    expect(log.consumers('g')).toEqual([])
    await expect(log.consume({ groupId: 'g', topics: ['t'], eachBatch: async () => {}, resumeFrom: async () => new Map([[0, -1]]) })).rejects.toThrow(
      /resumeFrom returned -1 for t\[0\]/,
    )
  })

  it('commits the resume offset, so that a group resumed past its commits counts as caught up', async () => {
    const log = await connected()
    await log.createTopic('t', 1)
    await log.produce('t', [value('a'), value('b')])
    const batches: LogBatch[] = []
    await log.consume({ groupId: 'g', topics: ['t'], eachBatch: async (b) => void batches.push(b), resumeFrom: async () => new Map([[0, 2]]) })
    await log.caughtUp('g', ['t'])
    expect(batches).toEqual([])
    expect(log.committedOffsets('g', 't')).toEqual(new Map([[0, 2]]))
    await log.close()
  })

  it('stops every consumer on close()', async () => {
    const log = await connected()
    await log.createTopic('t', 2)
    const consumer = await log.consume({ groupId: 'g', topics: ['t'], eachBatch: async () => {} })
    await log.close()
    expect(consumer.state).toBe('left')
    expect(log.consumers('g')).toEqual([])
  })
})
