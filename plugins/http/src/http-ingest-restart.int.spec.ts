import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { definePipeline, definePlugin, defineStream, t, TOKENS, TwinflowError, type EventLog, type LogMessage, type ProduceOptions } from '@twinflow/core'
import { localEventLogPlugin } from '@twinflow/plugin-memory'
import { createTwinflow, parseConfig, type Twinflow } from 'twinflow'
import { afterAll, afterEach, describe, expect, it } from 'vitest'

const orders = defineStream('orders', { orderId: t.string(), amountCents: t.int64(), ts: t.eventTime() })
const pipeline = definePipeline({ streams: [orders], views: [] })

/** Lets `produce` calls through until `stallAfter` of them, then holds the next until `fail()` (a log that stops answering, then errs). */
let reached: () => void = () => {}
const gate = {
  stallAfter: Number.POSITIVE_INFINITY,
  produced: 0,
  stalled: null as null | ((error: Error) => void),
  reached: new Promise<void>((resolve) => (reached = resolve)),
}
/** The real local log (same files, same atomic checkpoints), with a gate on produce: a fault injector, as freezing a broker is. */
const gatedLocalLog = definePlugin({
  kind: 'event-log',
  name: 'gated-local',
  description: 'the local event log, with produce held at a gate',
  parseOptions: () => localEventLogPlugin.parseOptions({}),
  create: (options, ctx): EventLog => {
    const log = localEventLogPlugin.create(options, ctx)
    return {
      atomicCheckpoints: log.atomicCheckpoints,
      connect: () => log.connect(),
      close: () => log.close(),
      createTopic: (topic, partitions) => log.createTopic(topic, partitions),
      loadCheckpoint: (key) => log.loadCheckpoint(key),
      endOffsets: (topic) => log.endOffsets(topic),
      consume: (o) => log.consume(o),
      produce: async (topic: string, messages: LogMessage[], o?: ProduceOptions) => {
        if (gate.produced >= gate.stallAfter) {
          reached()
          await new Promise<void>((_, reject) => (gate.stalled = reject))
        }
        gate.produced++
        return log.produce(topic, messages, o)
      },
    }
  },
})

describe('http source: idempotency keys across a restart of the process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinflow-http-restart-'))
  let twinflow: Twinflow | null = null
  afterEach(async () => {
    await twinflow?.stop()
    twinflow = null
  })

  /** A process with the ingest role only, on the local log in `dataDir` (gated or not). */
  const start = async (gated: boolean) => {
    const config = parseConfig(
      {
        runtimes: { eventLog: { plugin: gated ? 'gated-local' : 'local' } },
        sources: [{ plugin: 'http', name: 'orders-http', options: { stream: 'orders', maxBatchEvents: 100 } }],
        serving: { port: 0, host: '127.0.0.1' },
        log: { level: 'error' },
      },
      { dataDir },
    )
    twinflow = createTwinflow({ pipeline, config, plugins: [gatedLocalLog] })
    await twinflow.start(['ingest'])
    return twinflow
  }
  const post = async (tf: Twinflow, body: string, key: string) => {
    const res = await fetch(`${tf.opsUrl}/ingest/orders`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key }, body })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
  /** Every event in the log, by orderId: how many times each is there. */
  const logged = async (tf: Twinflow) => {
    const log = tf.get(TOKENS.EventLog)
    const total = [...(await log.endOffsets(orders.topic)).values()].reduce((a, b) => a + b, 0)
    const seen = new Map<string, number>()
    let read = 0
    const consumer = await log.consume({
      groupId: `read-${Math.random()}`,
      topics: [orders.topic],
      eachBatch: async (batch) => {
        for (const r of batch.records) {
          const id = (JSON.parse(r.value.toString()) as { orderId: string }).orderId
          seen.set(id, (seen.get(id) ?? 0) + 1)
          read++
        }
      },
    })
    for (let i = 0; i < 500 && read < total; i++) await new Promise((r) => setTimeout(r, 10))
    await consumer.stop()
    return seen
  }
  const now = Date.now()
  const body = (prefix: string, n: number) =>
    `${Array.from({ length: n }, (_, i) => JSON.stringify(i === 7 ? { orderId: `${prefix}${i}` } : { orderId: `${prefix}${i}`, amountCents: i, ts: now })).join('\n')}\n`

  it('answers a request retried after a restart from the outcome the log holds, without appending it again', async () => {
    const first = await start(false)
    const answer = await post(first, body('a', 50), 'key-a')
    expect(answer.body).toMatchObject({ accepted: 49, rejected: [{ line: 8 }] })
    await first.stop()
    const second = await start(false)
    const retried = await post(second, body('a', 50), 'key-a')
    expect(retried.body).toEqual({ ...answer.body, replayed: true })
    const seen = await logged(second)
    expect(seen.size).toBe(49)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
  })

  it('resumes a request cut off halfway (larger than a batch) after what the log holds: every event once', async () => {
    gate.stallAfter = 3 // three batches of 100 reach the log with their checkpoint; the fourth never does
    gate.produced = 0
    const first = await start(true)
    const cut = post(first, body('b', 1000), 'key-b')
    await gate.reached
    gate.stalled!(new TwinflowError('unavailable', 'the log went away', { retriable: false }))
    const answer = await cut
    expect(answer.status).toBe(503)
    expect(answer.body.error).toMatch(/retry with the same Idempotency-Key/)
    await first.stop()
    expect(gate.produced).toBe(3)

    const second = await start(false)
    const resumed = await post(second, body('b', 1000), 'key-b')
    expect(resumed.body).toMatchObject({ accepted: 999, rejected: [{ line: 8, reason: expect.stringMatching(/^schema: field "amountCents"/) }], replayed: true })
    const again = await post(second, body('b', 1000), 'key-b')
    expect(again.body).toEqual(resumed.body)
    const seen = await logged(second)
    const b = [...seen].filter(([id]) => id.startsWith('b'))
    expect(b).toHaveLength(999)
    expect(b.every(([, n]) => n === 1)).toBe(true)
  })

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
})
