import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createJsonLogger, type LogBatch, type LogConsumer } from '@twinflow/core'
import { deadLetterQueueConformance, eventLogConformance, sampleAlert, sinkConformance } from '@twinflow/testing/conformance'
import { KafkaDeadLetterQueue, KafkaEventLog, KafkaSink, parseKafkaDeadLetterQueueOptions, parseKafkaOptions, parseKafkaSinkOptions } from '@twinflow/plugin-kafka'
import { KafkaContainer, type StartedKafkaContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { eventually, readDeadLetterTopic, readNotificationTopic } from '../src/harness/index.ts'
import type { ImageVariable } from '../src/images.ts'
import { settings } from '../src/settings.ts'

const VERSIONS: ImageVariable[] = ['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_KAFKA4_IMAGE']
const env = await e2eEnvironment(VERSIONS)
const logger = createJsonLogger({ level: settings.verbose ? 'debug' : 'error' })

for (const variable of VERSIONS) {
  const image = env.images[variable]
  describe.skipIf(env.skip)(`Kafka ${image}`, { timeout: 180_000 }, () => {
    let kafka: StartedKafkaContainer | undefined
    beforeAll(async () => {
      kafka = await new KafkaContainer(image).start()
    }, 180_000)
    afterAll(async () => {
      await kafka?.stop()
    })
    // Short session and heartbeat: members that leave or join are noticed in seconds.
    eventLogConformance(
      `KafkaEventLog on ${image}`,
      () => new KafkaEventLog(parseKafkaOptions({ ...kafka!.getClientOptions(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxWaitTimeMs: 500 }), logger),
      { timeoutMs: 60_000, durable: true },
    )
    // Each queue writes to a topic of its own, read back from the beginning by a plain consumer.
    deadLetterQueueConformance(
      `KafkaDeadLetterQueue on ${image}`,
      () =>
        new KafkaDeadLetterQueue(
          parseKafkaDeadLetterQueueOptions({ ...kafka!.getClientOptions(), topic: `conformance.dead-letters.${process.pid}.${Date.now().toString(36)}` }),
          logger,
        ),
      { readBack: (queue) => readDeadLetterTopic(kafka!.getClientOptions().brokers, (queue as KafkaDeadLetterQueue).topic), timeoutMs: 60_000 },
    )
    // The Kafka notification channel: each sink writes to a topic of its own (one partition, so
    // that read-back order is delivery order), read back by a plain consumer.
    const channelTopic = () => `conformance.notifications.${process.pid}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 6)}`
    sinkConformance(`KafkaSink on ${image}`, () => new KafkaSink('events', parseKafkaSinkOptions({ ...kafka!.getClientOptions(), topic: channelTopic() }), logger), {
      readBack: async (sink) => (await readNotificationTopic(kafka!.getClientOptions().brokers, (sink as KafkaSink).topic)).map((m) => m.notification),
      unreachable: () => new KafkaSink('down', parseKafkaSinkOptions({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 500, topic: 'nowhere' }), logger),
      timeoutMs: 60_000,
    })

    it('keys an alert group’s events to one partition, with the id and kind in headers', async () => {
      const sink = new KafkaSink('events', parseKafkaSinkOptions({ ...kafka!.getClientOptions(), topic: channelTopic(), partitions: 4 }), logger)
      await sink.connect()
      try {
        const never = new AbortController().signal
        for (const shop of ['north', 'south', 'east']) {
          await sink.deliver(sampleAlert(`${shop}-1`, 'firing', shop), never)
          await sink.deliver(sampleAlert(`${shop}-2`, 'resolved', shop), never)
        }
        const read = await readNotificationTopic(kafka!.getClientOptions().brokers, sink.topic)
        expect(read).toHaveLength(6)
        for (const shop of ['north', 'south', 'east']) {
          const group = read.filter((m) => m.notification.kind === 'alert' && m.notification.alert.group.shop === shop)
          expect(new Set(group.map((m) => m.partition)).size).toBe(1)
          expect(group.map((m) => [m.headers['twinflow-id'], m.headers['twinflow-kind']])).toEqual([
            [`${shop}-1`, 'alert'],
            [`${shop}-2`, 'alert'],
          ])
          expect(group[0]!.key).toBe(
            `revenueDrop/${JSON.stringify([
              ['shop', shop],
              ['région', 'Île-de-France ✓'],
            ])}`,
          )
        }
      } finally {
        await sink.close()
      }
    })

    it("hands over other partitions' new records while one partition's batch is still being handled, and that partition's next records after it", async () => {
      const log = new KafkaEventLog(parseKafkaOptions({ ...kafka!.getClientOptions(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxWaitTimeMs: 500 }), logger)
      await log.connect()
      let consumer: LogConsumer | undefined
      let release = () => {}
      try {
        const topic = `conformance.overlap.${process.pid}.${Date.now().toString(36)}`
        await log.createTopic(topic, 2)
        await log.produce(topic, [{ key: 'held', value: Buffer.from('first') }])
        const errors: unknown[] = []
        const seen = new Map<number, string[]>([
          [0, []],
          [1, []],
        ])
        const released = new Promise<void>((resolve) => (release = resolve))
        let held: number | null = null
        consumer = await log.consume({
          groupId: `overlap-${Date.now().toString(36)}`,
          topics: [topic],
          onError: (error) => errors.push(error),
          eachBatch: async (batch) => {
            seen.get(batch.partition)!.push(...batch.records.map((r) => r.value.toString()))
            if (held === null) {
              held = batch.partition
              await released
            }
          },
        })
        await eventually(
          async () => held,
          (p) => p !== null,
          30_000,
          100,
        )
        const heldPartition = held!
        const other = 1 - heldPartition
        // Produced while the first batch is held: kafkajs fetches them only if it does not wait for that batch.
        await log.produce(
          topic,
          Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`m${i}`) })),
        )
        const ends = await log.endOffsets(topic)
        expect(ends.get(other)).toBeGreaterThan(0)
        expect(
          await eventually(
            async () => seen.get(other)!.length,
            (n) => n === ends.get(other),
            30_000,
            100,
          ),
        ).toBe(ends.get(other))
        // The held partition's next records wait for the batch before them.
        expect(seen.get(heldPartition)).toEqual(['first'])
        release()
        expect(
          await eventually(
            async () => seen.get(heldPartition)!.length,
            (n) => n === ends.get(heldPartition),
            30_000,
            100,
          ),
        ).toBe(ends.get(heldPartition))
        expect([...seen.get(0)!, ...seen.get(1)!].sort()).toEqual(['first', ...Array.from({ length: 20 }, (_, i) => `m${i}`)].sort())
        expect(errors).toEqual([])
      } finally {
        release()
        await consumer?.stop()
        await log.close()
      }
    })

    it("aborts the signal of a member's batch in flight when a rebalance takes its partitions, without reporting a failure", async () => {
      const log = new KafkaEventLog(parseKafkaOptions({ ...kafka!.getClientOptions(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxWaitTimeMs: 500 }), logger)
      await log.connect()
      const consumers: LogConsumer[] = []
      try {
        const topic = `conformance.rebalance.${process.pid}.${Date.now().toString(36)}`
        const groupId = `rebalance-${Date.now().toString(36)}`
        await log.createTopic(topic, 2)
        await log.produce(
          topic,
          Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`m${i}`) })),
        )
        const errors: unknown[] = []
        const seen = new Set<string>()
        const keep = (batch: LogBatch) => batch.records.forEach((r) => seen.add(r.value.toString()))
        let held: LogBatch | null = null
        let abortedWith: unknown = null
        // The first member holds its first batch until the batch's signal aborts (at most 30 s), then
        // stops as a handler that checks its signal between writes does.
        consumers.push(
          await log.consume({
            groupId,
            topics: [topic],
            onError: (error) => errors.push(error),
            eachBatch: async (batch) => {
              if (held === null) {
                held = batch
                await new Promise((resolve) => {
                  batch.signal?.addEventListener('abort', resolve, { once: true })
                  setTimeout(resolve, 30_000)
                })
                abortedWith = batch.signal?.aborted ? batch.signal.reason : 'not aborted'
                batch.signal?.throwIfAborted()
              }
              keep(batch)
            },
          }),
        )
        await eventually(
          async () => held,
          (b) => b !== null,
          30_000,
          100,
        )
        expect(held).not.toBeNull()
        // A second member joins: the group rebalances while the first one holds its batch.
        consumers.push(await log.consume({ groupId, topics: [topic], onError: (error) => errors.push(error), eachBatch: async (batch) => keep(batch) }))
        await eventually(
          async () => abortedWith,
          (a) => a !== null,
          30_000,
          100,
        )
        expect((abortedWith as { type?: string }).type).toMatch(/^(REBALANCE_IN_PROGRESS|ILLEGAL_GENERATION|UNKNOWN_MEMBER_ID|NOT_COORDINATOR_FOR_GROUP)$/)
        // The held batch was not resolved: its records are delivered again, to one member or the other.
        await eventually(
          async () => seen.size,
          (n) => n === 20,
          30_000,
          100,
        )
        expect([...seen].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort())
        expect(errors).toEqual([])
      } finally {
        await Promise.all(consumers.map((c) => c.stop()))
        await log.close()
      }
    })
  })
}
