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
import { pollVisible } from './poll-visible.ts'

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

const poll = await pollVisible(options.graphql.url, options.graphql.query, options.graphql.pollMs, emit)

process.once('SIGTERM', () => {
  void Promise.allSettled([poll.stop(), consumer.disconnect()]).then(() => process.exit(0))
})
