import { TwinflowProcess } from '@twinflow/e2e/process'
import { CompressionTypes, type Admin } from 'kafkajs'
import { alternate } from '../src/alternate.ts'
import { generatePurchases } from '../src/generate-purchases.ts'
import { timed } from '../src/in-lanes.ts'
import { purchases } from '../src/purchases.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'
import { ratios } from '../src/stats.ts'

const EVENTS_PER_REQUEST = 1000
const CLIENTS = 8

/**
 * http-ingest: events/s into the Kafka log through `POST /ingest/purchases` of the `http` source
 * (a `twinflow start --role ingest` process: read NDJSON, validate against the stream, coalesce the
 * requests into log batches, produce with acks=all, answer each request once durable) from 8
 * concurrent clients (the benchmark's process, keep-alive, the bodies built beforehand), each
 * sending NDJSON bodies of 1000 purchases, one after the other; against a plain kafkajs producer
 * (defaults, acks=-1, no compression) sending the same events, unkeyed as the source sends them,
 * to the same topic, 1000 per `send`, 8 sends in flight. Both sides must add exactly the events
 * sent to the topic (end offsets checked each repetition). Target ≥ 0.5.
 */
export const httpIngestScenario: Scenario = {
  name: 'http-ingest',
  async run(ctx: ScenarioContext) {
    const { services } = ctx
    const total = ctx.quick ? 200_000 : 1_000_000
    await services.reset()
    const now = Date.now()
    const events = generatePurchases(total, { seed: 31, from: now - 3_600_000, to: now })
    const lines = events.map((e) => Buffer.from(`${JSON.stringify(e)}\n`))
    const requests: Buffer[] = []
    const sends: { value: Buffer }[][] = []
    for (let i = 0; i < total; i += EVENTS_PER_REQUEST) {
      requests.push(Buffer.concat(lines.slice(i, i + EVENTS_PER_REQUEST)))
      sends.push(lines.slice(i, i + EVENTS_PER_REQUEST).map((l) => ({ value: l.subarray(0, l.length - 1) })))
    }
    const bytes = lines.reduce((sum, l) => sum + l.length, 0)
    const config = services.configFile(services.config({ sources: [{ plugin: 'http', name: 'purchases-http', options: { stream: purchases.name } }] }))
    const ingest = await TwinflowProcess.start({
      name: 'ingest',
      args: ['start', '--role', 'ingest', '--config', config],
      logLevel: 'warn',
      readyWhen: /Operations: http/,
      timeoutMs: 90_000,
    })
    const [, base] = await ingest.waitForOutput(/Operations: (http:\/\/[^/\s]+)\/healthz/, 10_000)
    const url = `${base}/ingest/${purchases.name}`
    // The route answers 503 until the source has connected: /readyz says when (its check "sources").
    const readyBy = Date.now() + 60_000
    while ((await fetch(`${base}/readyz`).then((r) => r.status)) !== 200) {
      if (Date.now() > readyBy) throw new Error(`the ingest process is not ready after 60 s: ${await (await fetch(`${base}/readyz`)).text()}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    const producer = services.kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    const admin = services.kafka.admin()
    await admin.connect()
    try {
      /** Runs `send` over every request, CLIENTS at a time, and checks that the topic grew by exactly the events sent. */
      const measure = async (send: (i: number) => Promise<void>) => {
        const before = await endOffsetSum(admin)
        let next = 0
        const ms = await timed(() =>
          Promise.all(
            Array.from({ length: CLIENTS }, async () => {
              for (let i = next++; i < requests.length; i = next++) await send(i)
            }),
          ),
        )
        const added = (await endOffsetSum(admin)) - before
        if (added !== total) throw new Error(`the topic grew by ${added} events, not the ${total} sent`)
        return (total / ms) * 1000
      }
      const runs = await alternate(
        ctx.repeats,
        {
          framework: () =>
            measure(async (i) => {
              const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: new Uint8Array(requests[i]!) })
              const answer = (await res.json()) as { accepted?: number; error?: string }
              if (res.status !== 200 || answer.accepted !== EVENTS_PER_REQUEST) throw new Error(`request ${i}: HTTP ${res.status} ${JSON.stringify(answer)}`)
            }),
          baseline: () =>
            measure(async (i) => {
              await producer.send({ topic: purchases.topic, acks: -1, compression: CompressionTypes.None, messages: sends[i]! })
            }),
        },
        { log: ctx.log, warmUps: 1 },
      )
      return {
        scenario: 'http-ingest',
        setup: [
          `${total.toLocaleString('en')} purchases (${(bytes / 1e6).toFixed(0)} MB of NDJSON) per repetition, ${EVENTS_PER_REQUEST} per request, ${CLIENTS} clients in the benchmark's process (fetch, keep-alive), into a Kafka topic of 4 partitions;`,
          `Twinflow: POST /ingest/purchases of a \`twinflow start --role ingest\` process (the http source: read, validate, coalesce, produce with acks=all, answer); baseline: a kafkajs producer (defaults, acks=-1) sending the same events, 1000 per send, ${CLIENTS} sends in flight; the topic's growth checked on both sides.`,
        ],
        checks: [
          {
            name: 'events/s through POST /ingest ÷ a kafkajs producer',
            samples: ratios(runs.framework, runs.baseline),
            unit: '×',
            target: { op: '>=', value: 0.5 },
            figures: { unit: 'events/s', framework: runs.framework, baseline: runs.baseline },
          },
        ],
      }
    } finally {
      await Promise.allSettled([producer.disconnect(), admin.disconnect(), ingest.stop()])
    }
  },
}

async function endOffsetSum(admin: Admin): Promise<number> {
  return (await admin.fetchTopicOffsets(purchases.topic)).reduce((sum, p) => sum + Number(p.high), 0)
}
