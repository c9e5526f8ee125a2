/**
 * The freshness scenario's observer, in a process of its own so that neither of its clocks waits
 * on the producer's work: a plain kafkajs consumer of the topic (the floor any consumer has) and a
 * GraphQL poller of the probe shop's count. Both see the same probes on the same machine clock
 * (`Date.now()`, as the producer stamps them) and are delayed by the same things, so the difference
 * of their p99s is what Twinflow adds.
 *
 *   node --import tsx bench/src/freshness-observer.ts '<json ObserverOptions>'
 *
 * Prints JSON lines: `{"ready":true}` once the consumer has joined its group, then
 * `{"consumed":id,"at":ms}` and `{"visible":id,"at":ms}`. Stops on SIGTERM.
 */
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs'

export interface ObserverOptions {
  kafka: Pick<KafkaConfig, 'brokers'>
  topic: string
  groupId: string
  /** The GraphQL endpoint, and the query whose number is the count of probes visible. */
  graphql: { url: string; query: string; pollMs: number }
}

const options = JSON.parse(process.argv[2] ?? '') as ObserverOptions
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

const kafka = new Kafka({ ...options.kafka, clientId: 'bench-freshness-observer', logLevel: logLevel.ERROR })
const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 100 })
await consumer.connect()
await consumer.subscribe({ topic: options.topic, fromBeginning: false })
const joined = new Promise<void>((done) => consumer.on(consumer.events.GROUP_JOIN, () => done()))
await consumer.run({
  eachMessage: async ({ message }) => {
    const probe = message.headers?.probe
    if (probe !== undefined) emit({ consumed: Number(probe.toString()), at: Date.now() })
  },
})
await joined

let running = true
let seen = await visibleCount()
emit({ ready: true, visible: seen })
const polling = (async () => {
  while (running) {
    const count = await visibleCount()
    const at = Date.now()
    for (let id = seen; id < count; id++) emit({ visible: id, at })
    seen = Math.max(seen, count)
    await new Promise((r) => setTimeout(r, options.graphql.pollMs))
  }
})()

process.once('SIGTERM', () => {
  running = false
  void Promise.allSettled([polling, consumer.disconnect()]).then(() => process.exit(0))
})

async function visibleCount(): Promise<number> {
  const res = await fetch(options.graphql.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: options.graphql.query }) })
  const body = (await res.json()) as { data?: Record<string, { rows: { count: number }[] }>; errors?: unknown }
  if (!body.data) throw new Error(`the probe query failed: ${JSON.stringify(body.errors)}`)
  return Object.values(body.data)[0]!.rows.reduce((n, r) => n + r.count, 0)
}
