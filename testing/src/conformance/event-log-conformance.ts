import { TwinflowError, type EventLog, type LogConsumer, type LogMessage } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BatchCollector } from './batch-collector.ts'

export interface EventLogConformanceOptions {
  /** Per test, for logs whose group joins take a while (Kafka). @default 20000 */
  timeoutMs?: number
  /**
   * Whether what a log holds survives it: after `close()`, a new log from `makeLog` (a restart) sees
   * the topics, records, checkpoints and committed offsets. `makeLog` must then return logs over the
   * same storage within one test (the suite closes the first before it makes the next). @default false
   */
  durable?: boolean
}

let topicCount = 0
const uniqueTopic = (label: string) => `conformance.${label}.${process.pid}.${Date.now().toString(36)}.${++topicCount}`
const messages = (count: number, key: (i: number) => string | undefined = () => undefined, from = 0): LogMessage[] =>
  Array.from({ length: count }, (_, i) => {
    const k = key(from + i)
    return { ...(k === undefined ? {} : { key: k }), value: Buffer.from(`m${from + i}`) }
  })

/**
 * The behaviour every EventLog must have (memory, Kafka, ...), as a vitest suite. Call it at the
 * top level of a spec file. `makeLog` returns a new, not yet connected log; the suite connects and
 * closes it, and uses fresh topic and group names in every test. Configure the log to retry
 * failed batches after short delays (under a second).
 */
export function eventLogConformance(name: string, makeLog: () => EventLog | Promise<EventLog>, options: EventLogConformanceOptions = {}): void {
  const timeout = options.timeoutMs ?? 20_000
  describe(`EventLog conformance: ${name}`, { timeout }, () => {
    let log: EventLog
    const consumers: LogConsumer[] = []
    const consume = async (...args: Parameters<EventLog['consume']>) => {
      const consumer = await log.consume(...args)
      consumers.push(consumer)
      return consumer
    }
    const group = (label: string) => `conformance-${label}-${++topicCount}`
    /** Stops the consumers, closes the log and opens a new one from makeLog (durable logs only). */
    const restart = async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()))
      await log.close()
      log = await makeLog()
      await log.connect()
    }

    beforeEach(async () => {
      log = await makeLog()
      await log.connect()
    })
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.stop()))
      await log.close()
    })

    it('saves a checkpoint with the messages it follows, and reads the newest back', async () => {
      const topic = uniqueTopic('checkpoint')
      const key = `source/${topic}`
      await log.createTopic(topic, 2)
      expect(await log.loadCheckpoint(key)).toBeNull()
      await log.produce(topic, messages(3), { checkpoint: { key, value: 'after-3' } })
      await log.produce(topic, [], { checkpoint: { key, value: 'after-3-and-nothing' } })
      await log.produce(topic, messages(2, undefined, 3), { checkpoint: { key, value: 'after-5' } })
      await log.produce(topic, messages(1, undefined, 5))
      expect(await log.loadCheckpoint(key)).toBe('after-5')
      expect(await log.loadCheckpoint(`${key}-other`)).toBeNull()
      expect([...(await log.endOffsets(topic)).values()].reduce((a, b) => a + b, 0)).toBe(6)
      if (options.durable) {
        await restart()
        expect(await log.loadCheckpoint(key)).toBe('after-5')
        expect([...(await log.endOffsets(topic)).values()].reduce((a, b) => a + b, 0)).toBe(6)
      }
    })

    it.runIf(options.durable)('keeps records and committed offsets across a restart', async () => {
      const topic = uniqueTopic('restart')
      const groupId = group('restart')
      await log.createTopic(topic, 2)
      const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5, 6)
      await log.produce(topic, [...messages(6, (i) => `k${i}`), { key: 'full', value: Buffer.from('with everything'), headers: { source: 'conformance' }, timestamp }])
      const ends = await log.endOffsets(topic)
      const first = new BatchCollector()
      await consume({ groupId, topics: [topic], eachBatch: first.eachBatch, onError: first.onError, maxBatchSize: 2 })
      await first.until((c) => c.records().length >= 7, '7 records')
      await restart()
      expect(await log.endOffsets(topic)).toEqual(ends)
      await log.produce(
        topic,
        messages(3, (i) => `k${i}`, 6),
      )
      // The group goes on after its commits; a new group reads every record back, as written.
      const again = new BatchCollector()
      await consume({ groupId, topics: [topic], eachBatch: again.eachBatch, onError: again.onError })
      await again.until((c) => c.records().length >= 3, 'the 3 records produced after the restart')
      expect(
        again
          .records()
          .map((r) => r.value)
          .sort(),
      ).toEqual(['m6', 'm7', 'm8'])
      const fresh = new BatchCollector()
      await consume({ groupId: group('restart-fresh'), topics: [topic], eachBatch: fresh.eachBatch, onError: fresh.onError })
      await fresh.until((c) => c.records().length >= 10, 'all 10 records')
      const full = fresh.batches.flatMap((b) => b.records).find((r) => r.key === 'full')!
      expect([full.value.toString(), full.headers, full.timestamp]).toEqual(['with everything', { source: 'conformance' }, timestamp])
      expect(
        fresh
          .records()
          .map((r) => r.value)
          .sort(),
      ).toEqual([...first.records(), ...again.records()].map((r) => r.value).sort())
    })

    it('creates topics idempotently, with every partition empty', async () => {
      const topic = uniqueTopic('create')
      await log.createTopic(topic, 3)
      await log.createTopic(topic, 3)
      expect(await log.endOffsets(topic)).toEqual(
        new Map([
          [0, 0],
          [1, 0],
          [2, 0],
        ]),
      )
    })

    it('rejects an unknown topic with a config error', async () => {
      const topic = uniqueTopic('unknown')
      for (const call of [() => log.produce(topic, messages(1)), () => log.endOffsets(topic)]) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        )
        expect(TwinflowError.is(error, 'config'), String(error)).toBe(true)
      }
    })

    it('appends with dense offsets per partition, keeping each key in one partition, in order', async () => {
      const topic = uniqueTopic('order')
      await log.createTopic(topic, 3)
      await log.produce(
        topic,
        messages(20, (i) => `k${i % 5}`),
      )
      await log.produce(
        topic,
        messages(10, (i) => `k${i % 5}`, 20),
      )
      const ends = await log.endOffsets(topic)
      expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(30)
      const collector = new BatchCollector()
      await consume({ groupId: group('order'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
      await collector.until((c) => c.records().length >= 30, '30 records')
      const records = collector.records()
      for (const [partition, end] of ends) {
        expect(records.filter((r) => r.partition === partition).map((r) => r.offset)).toEqual(Array.from({ length: end }, (_, i) => i))
      }
      for (let k = 0; k < 5; k++) {
        const ofKey = records.filter((r) => r.key === `k${k}`)
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1)
        expect(ofKey.map((r) => r.value)).toEqual(Array.from({ length: 6 }, (_, j) => `m${k + 5 * j}`))
      }
    })

    it("gives back each message's key, value, headers and timestamp", async () => {
      const topic = uniqueTopic('fields')
      await log.createTopic(topic, 1)
      const timestamp = Date.UTC(2026, 0, 2, 3, 4, 5, 6)
      await log.produce(topic, [{ key: 'k', value: Buffer.from('with everything'), headers: { source: 'conformance', n: '1' }, timestamp }, { value: Buffer.from('bare') }])
      const collector = new BatchCollector()
      await consume({ groupId: group('fields'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
      await collector.until((c) => c.records().length >= 2, '2 records')
      const [full, bare] = collector.batches.flatMap((b) => b.records)
      expect([full!.offset, full!.key, full!.value.toString(), full!.headers, full!.timestamp]).toEqual([0, 'k', 'with everything', { source: 'conformance', n: '1' }, timestamp])
      expect([bare!.offset, bare!.key, bare!.value.toString(), bare!.headers]).toEqual([1, null, 'bare', {}])
      expect(Number.isSafeInteger(bare!.timestamp) && bare!.timestamp > 0).toBe(true)
    })

    it('delivers batches of consecutive records of one partition, no larger than maxBatchSize', async () => {
      const topic = uniqueTopic('batches')
      await log.createTopic(topic, 2)
      await log.produce(
        topic,
        messages(23, (i) => `k${i}`),
      )
      const collector = new BatchCollector()
      await consume({ groupId: group('batches'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError, maxBatchSize: 4 })
      await collector.until((c) => c.records().length >= 23, '23 records')
      const next = new Map<number, number>()
      for (const b of collector.batches) {
        expect(b.topic).toBe(topic)
        expect(b.records.length).toBeGreaterThan(0)
        expect(b.records.length).toBeLessThanOrEqual(4)
        expect(b.records.map((r) => r.offset)).toEqual(Array.from({ length: b.records.length }, (_, i) => b.firstOffset + i))
        expect(b.lastOffset).toBe(b.firstOffset + b.records.length - 1)
        expect(b.highWatermark).toBeGreaterThan(b.lastOffset)
        expect(b.firstOffset).toBe(next.get(b.partition) ?? 0)
        next.set(b.partition, b.lastOffset + 1)
      }
    })

    it('wakes a running consumer when messages arrive', async () => {
      const topic = uniqueTopic('wake')
      await log.createTopic(topic, 2)
      const collector = new BatchCollector()
      await consume({ groupId: group('wake'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
      await log.produce(topic, messages(5))
      await collector.until((c) => c.records().length >= 5, 'the first 5 records')
      await log.produce(topic, messages(3, undefined, 5))
      await collector.until((c) => c.records().length >= 8, '3 more records')
      expect(
        collector
          .records()
          .map((r) => r.value)
          .sort(),
      ).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'])
    })

    it('commits resolved batches: the next member of the group continues after them', async () => {
      const topic = uniqueTopic('commit')
      const groupId = group('commit')
      await log.createTopic(topic, 2)
      await log.produce(
        topic,
        messages(10, (i) => `k${i}`),
      )
      const first = new BatchCollector()
      const consumer = await consume({ groupId, topics: [topic], eachBatch: first.eachBatch, onError: first.onError, maxBatchSize: 3 })
      await first.until((c) => c.records().length >= 10, '10 records')
      await consumer.stop()
      await log.produce(
        topic,
        messages(4, (i) => `k${i}`, 10),
      )
      const second = new BatchCollector()
      await consume({ groupId, topics: [topic], eachBatch: second.eachBatch, onError: second.onError })
      await second.until((c) => c.records().length >= 4, 'the 4 new records')
      expect(
        second
          .records()
          .map((r) => r.value)
          .sort(),
      ).toEqual(['m10', 'm11', 'm12', 'm13'])
      expect(first.records()).toHaveLength(10)
    })

    it('redelivers a batch whose handler failed for good to the next member, and reports the error', async () => {
      const topic = uniqueTopic('redeliver')
      const groupId = group('redeliver')
      await log.createTopic(topic, 1)
      await log.produce(topic, messages(6))
      const failing = new BatchCollector()
      const broken = new TwinflowError('internal', 'handler bug')
      failing.failWhen = (b) => (b.lastOffset >= 3 ? broken : null)
      const consumer = await consume({ groupId, topics: [topic], eachBatch: failing.eachBatch, onError: failing.onError, maxBatchSize: 2 })
      await failing.until((c) => c.errors.length > 0, 'the failure to be reported')
      expect(failing.errors[0]).toBe(broken)
      await consumer.stop()
      expect(failing.records().map((r) => r.offset)).toEqual([0, 1])
      const next = new BatchCollector()
      await consume({ groupId, topics: [topic], eachBatch: next.eachBatch, onError: next.onError })
      await next.until((c) => c.records().length >= 4, 'the redelivered records')
      expect(next.batches[0]!.firstOffset).toBe(2)
      expect(next.records().map((r) => r.value)).toEqual(['m2', 'm3', 'm4', 'm5'])
    })

    it('retries a retriable failure itself, from the same offset, and reports it', async () => {
      const topic = uniqueTopic('retry')
      await log.createTopic(topic, 1)
      await log.produce(topic, messages(3))
      const collector = new BatchCollector()
      const transient = new TwinflowError('unavailable', 'store down for a moment')
      let failures = 1
      collector.failWhen = () => (failures-- > 0 ? transient : null)
      await consume({ groupId: group('retry'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
      await collector.until((c) => c.records().length >= 3, 'the records after a retry')
      expect(collector.errors).toContain(transient)
      expect(collector.batches[0]!.firstOffset).toBe(0)
      expect(collector.records().map((r) => r.value)).toEqual(['m0', 'm1', 'm2'])
    })

    it('splits the partitions among the members of a group, delivering each record once', async () => {
      const topic = uniqueTopic('split')
      const groupId = group('split')
      await log.createTopic(topic, 4)
      const a = new BatchCollector()
      const b = new BatchCollector()
      const first = await consume({ groupId, topics: [topic], eachBatch: a.eachBatch, onError: a.onError })
      await consume({ groupId, topics: [topic], eachBatch: b.eachBatch, onError: b.onError })
      await log.produce(
        topic,
        messages(40, (i) => `key-${i}`),
      )
      // Either member may receive the last record: wait on both (any, so the other's timeout does not reject).
      await Promise.any([a, b].map((c) => c.until(() => a.records().length + b.records().length >= 40, '40 records between both members')))
      const partitionsOf = (c: BatchCollector) => new Set(c.records().map((r) => r.partition))
      expect(partitionsOf(a).size).toBeGreaterThan(0)
      expect(partitionsOf(b).size).toBeGreaterThan(0)
      expect([...partitionsOf(a)].filter((p) => partitionsOf(b).has(p))).toEqual([])
      const all = [...a.records(), ...b.records()].map((r) => r.value).sort()
      expect(all).toEqual(
        messages(40)
          .map((m) => m.value.toString())
          .sort(),
      )
      // when a member leaves, the other one takes over its partitions
      const fromA = a.records().length
      await first.stop()
      await log.produce(
        topic,
        messages(20, (i) => `key-${i}`, 40),
      )
      await b.until((c) => c.records().filter((r) => Number(r.value.slice(1)) >= 40).length >= 20, 'the last member to get every new record')
      expect(a.records()).toHaveLength(fromA)
    })

    it('resumes newly assigned partitions from resumeFrom, which wins over the committed offset', async () => {
      const topic = uniqueTopic('resume')
      const groupId = group('resume')
      await log.createTopic(topic, 2)
      await log.produce(topic, [...messages(10, () => 'p-a'), ...messages(10, () => 'p-b', 10)])
      const ends = await log.endOffsets(topic)
      const first = new BatchCollector()
      const consumer = await consume({ groupId, topics: [topic], eachBatch: first.eachBatch, onError: first.onError })
      await first.until((c) => c.records().length >= 20, '20 records')
      await consumer.stop()
      const calls: [string, number[]][] = []
      const second = new BatchCollector()
      const busy = [...ends].find(([, end]) => end > 3)![0]
      await consume({
        groupId,
        topics: [topic],
        eachBatch: second.eachBatch,
        onError: second.onError,
        resumeFrom: async (t, partitions) => {
          calls.push([t, [...partitions].sort()])
          return new Map([[busy, 3]])
        },
      })
      await second.until((c) => c.records().length >= ends.get(busy)! - 3, 'the records after the resume offset')
      expect(calls).toEqual([[topic, [0, 1]]])
      expect(second.records().every((r) => r.partition === busy)).toBe(true)
      expect(second.records().map((r) => r.offset)).toEqual(Array.from({ length: ends.get(busy)! - 3 }, (_, i) => 3 + i))
    })

    it('gives every group every record', async () => {
      const topic = uniqueTopic('groups')
      await log.createTopic(topic, 2)
      await log.produce(
        topic,
        messages(12, (i) => `k${i}`),
      )
      const a = new BatchCollector()
      const b = new BatchCollector()
      await consume({ groupId: group('groups-a'), topics: [topic], eachBatch: a.eachBatch, onError: a.onError })
      await consume({ groupId: group('groups-b'), topics: [topic], eachBatch: b.eachBatch, onError: b.onError })
      await a.until((c) => c.records().length >= 12, 'group a')
      await b.until((c) => c.records().length >= 12, 'group b')
      expect(
        a
          .records()
          .map((r) => r.value)
          .sort(),
      ).toEqual(
        b
          .records()
          .map((r) => r.value)
          .sort(),
      )
    })

    it('stops a member idempotently', async () => {
      const topic = uniqueTopic('stop')
      await log.createTopic(topic, 1)
      const collector = new BatchCollector()
      const consumer = await consume({ groupId: group('stop'), topics: [topic], eachBatch: collector.eachBatch, onError: collector.onError })
      await Promise.all([consumer.stop(), consumer.stop()])
      await consumer.stop()
    })
  })
}
