import { Kafka, logLevel, type KafkaMessage } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import type { LogMessage } from '@twinflow/core'
import { generateOrders, generatePageViews, type Order } from '@twinflow/example-online-store'
import { seededRandom } from '@twinflow/plugin-generator'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { dayRange, DEAD_LETTER_TOPIC, emptyBook, eventually, expectLagReturnsToZero, expectServedTruth, HOUR, sleep, Stack, TOPICS } from '../src/harness/index.ts'

// Scenario 6: 1% poison messages mixed into both topics: bad JSON, schema violations, oversized
// payloads, a NaN literal; and mixed in with them, valid orders of 0 items whose unit price is
// 0 / 0, which is null (not poison: counted, their unit price skipped by max). The dead-letter
// TOPIC gets exactly the rejected ones, each once, with the reason in headers;
// every total is exact and the lag of both groups returns to zero.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const OVERSIZED_BYTES = 1024 * 1024 + 4096 // over the 1 MiB event limit of both consumers

type Kind = 'invalid-json' | 'schema' | 'oversized' | 'zero-items'
interface Poison {
  topic: string
  payload: string
  /**
   * The letter each consumer stage writes: the reason's first word, or null when it writes none. A
   * message its stream rejects is the archiver's to dead-letter (it sees every record; the speed
   * layer skips it): one letter per rejected input.
   */
  archiver: string | null
  speed: string | null
}

function poisonOf(kind: Kind, topic: string, i: number, valid: Record<string, unknown>): Poison {
  const both = (reason: string, payload: string): Poison => ({ topic, payload, archiver: reason, speed: null })
  switch (kind) {
    case 'invalid-json': {
      const variants = [`{"orderId": "p-${i}", `, `not json ${i}`, JSON.stringify(valid).replace(/"ts":\d+/, '"ts":NaN'), `{"shopId": 'single-quoted-${i}'}`]
      return both('invalid-json', variants[i % variants.length]!)
    }
    case 'schema': {
      const variants = [
        { ...valid, ts: undefined },
        { ...valid, shopId: 42 },
        topic === TOPICS.orders ? { ...valid, status: 'lost' } : { ...valid, mobile: 'yes' },
        topic === TOPICS.orders ? { ...valid, amountCents: 'NaN' } : { ...valid, durationMs: 1.5 },
        [valid],
      ]
      return both('schema', JSON.stringify(variants[i % variants.length]))
    }
    case 'oversized':
      return both('oversized', JSON.stringify({ ...valid, padding: 'x'.repeat(OVERSIZED_BYTES) }))
    case 'zero-items':
      // A valid order: both stages accept it (its unit price 0 / 0 is null); it is no poison.
      return { topic, payload: JSON.stringify(valid), archiver: null, speed: null }
  }
}

describe.skipIf(env.skip)('scenario 6: 1% poison messages', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  const T = Date.now()
  const book = emptyBook()
  const events = {
    orders: generateOrders(20_000, { seed: 61, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
    pageViews: generatePageViews(5000, { seed: 62, from: T - 3 * HOUR, to: T + 10 * 60_000 }),
  }
  const range = dayRange(T - 4 * HOUR, T + HOUR)
  const poisons: Poison[] = []

  beforeAll(async () => {
    // Kafka's default limit is 1 MB per message; oversized events must reach the log to be rejected by Twinflow.
    stack = await Stack.start({ images: env.images, kafkaEnvironment: { KAFKA_MESSAGE_MAX_BYTES: String(4 * 1024 * 1024) } })
    await stack.createTopics()
    config = stack.writeConfig()
    const [, , serve] = await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config), stack.startServe(config)])
    url = serve.url
  }, 240_000)

  afterAll(async () => {
    await stack?.stop()
  }, 120_000)

  it('dead-letters exactly the poison, per stage, with reasons; totals exact; lag back to zero', async () => {
    onTestFailed(() => console.error(stack.report()))
    const random = seededRandom(63)
    // 1% of each topic's events, by kind; orders of 0 items (a unit price 0 / 0) only for orders.
    const quotas: Record<string, [Kind, number][]> = {
      [TOPICS.orders]: [
        ['invalid-json', 70],
        ['schema', 70],
        ['oversized', 2],
        ['zero-items', 58],
      ],
      [TOPICS.pageViews]: [
        ['invalid-json', 25],
        ['schema', 24],
        ['oversized', 1],
      ],
    }
    // Spread the poison at random over the stream: after each valid event, with probability
    // (poison left / events left), a poison message of a kind drawn by the counts left.
    const stream = (topic: string, valid: object[]) => {
      const quota = quotas[topic]!
      const out: { message: LogMessage; valid?: object }[] = []
      valid.forEach((event, i) => {
        out.push({ message: { value: Buffer.from(JSON.stringify(event)) }, valid: event })
        const left = quota.reduce((n, [, k]) => n + k, 0)
        if (left === 0 || random() >= left / (valid.length - i)) return
        let pick = Math.floor(random() * left)
        const kind = quota.find(([, n]) => (pick -= n) < 0)!
        kind[1]--
        const template = valid[(i * 7) % valid.length] as Record<string, unknown>
        const base = kind[0] === 'zero-items' ? ({ ...(template as Order), orderId: `zero-${i}`, amountCents: 0, items: 0 } as Order) : template
        const poison = poisonOf(kind[0], topic, i, base)
        poisons.push(poison)
        out.push({ message: { value: Buffer.from(poison.payload) }, ...(kind[0] === 'zero-items' ? { valid: base } : {}) })
      })
      return out
    }
    const orderStream = stream(TOPICS.orders, events.orders)
    const viewStream = stream(TOPICS.pageViews, events.pageViews)
    const total = orderStream.length + viewStream.length
    console.info(
      `scenario 6: ${poisons.length} poison messages in ${total} (${((100 * poisons.length) / total).toFixed(2)}%): ${JSON.stringify(Object.fromEntries(['invalid-json', 'schema', 'oversized'].map((k) => [k, poisons.filter((p) => p.archiver === k).length])))}, ${poisons.filter((p) => p.archiver === null).length} orders of 0 items`,
    )
    expect(poisons.filter((p) => p.archiver === 'oversized').length).toBeGreaterThan(0)
    for (const [topic, items] of [
      [TOPICS.orders, orderStream],
      [TOPICS.pageViews, viewStream],
    ] as const) {
      for (let i = 0; i < items.length; i += 1000)
        await stack.produceRaw(
          topic,
          items.slice(i, i + 1000).map((x) => x.message),
        )
    }
    book.orders.push(...(orderStream.flatMap((x) => (x.valid ? [x.valid] : [])) as Order[]))
    book.pageViews.push(...(viewStream.flatMap((x) => (x.valid ? [x.valid] : [])) as typeof events.pageViews))

    await expectServedTruth(url, book, range, { timeoutMs: 90_000 })
    await expectLagReturnsToZero(stack.kafka.getBrokers(), 60_000)

    // The dead-letter topic: exactly the rejected messages, each once, with its reason and origin.
    const expected = (stage: 'archiver' | 'speed') =>
      poisons
        .filter((p) => p[stage] !== null)
        .map((p) => `${p.topic} ${p[stage]} ${p.payload}`)
        .sort()
    const letters = await readTopic(stack.kafka.getBrokers(), DEAD_LETTER_TOPIC, expected('archiver').length + expected('speed').length, 60_000)
    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString() ?? ''
    for (const stage of ['archiver', 'speed'] as const) {
      const mine = letters.filter((m) => header(m, 'twinflow-stage') === stage)
      const got = mine.map((m) => `${header(m, 'twinflow-topic')} ${header(m, 'twinflow-reason').split(':')[0]} ${m.value!.toString()}`).sort()
      expect(got.length, `${stage} letters`).toBe(expected(stage).length)
      expect(got, `${stage} letters`).toEqual(expected(stage))
      const origins = mine.map((m) => `${header(m, 'twinflow-topic')}:${header(m, 'twinflow-partition')}:${header(m, 'twinflow-offset')}`)
      expect(new Set(origins).size, `${stage}: one letter per poison message`).toBe(mine.length)
      expect(mine.every((m) => header(m, 'twinflow-stream') === (header(m, 'twinflow-topic') === TOPICS.orders ? 'orders' : 'pageViews'))).toBe(true)
    }
    // The master table: a batch run over it gives the same totals.
    const { code, runs } = await stack.batchRun(config)
    expect(code, JSON.stringify(runs)).toBe(0)
    await expectServedTruth(url, book, range, { timeoutMs: 60_000 })
  })
})

/** Every message of a topic, waiting until at least `count` are there, plus a moment to catch extra ones. */
async function readTopic(brokers: string[], topic: string, count: number, timeoutMs: number): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ clientId: 'twinflow-e2e-dlq-reader', brokers, logLevel: logLevel.NOTHING })
  const consumer = kafka.consumer({ groupId: `e2e-dlq-reader-${Date.now()}`, maxWaitTimeInMs: 500 })
  const messages: KafkaMessage[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) })
    await eventually(
      async () => messages.length,
      (n) => n >= count,
      timeoutMs,
    )
    await sleep(2000)
    return messages
  } finally {
    await consumer.disconnect()
  }
}
