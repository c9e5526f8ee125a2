import { afterEach, describe, expect, it } from 'vitest'
import {
  createJsonLogger,
  defineStream,
  definePipeline,
  END_OF_INPUT,
  systemClock,
  t,
  TwinflowError,
  type IngestOutcome,
  type Source,
  type SourceBatch,
  type SourceMessage,
} from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryEventLog } from '@twinflow/plugin-memory'
import { IngestRunner } from './ingest-runner.ts'

const orders = defineStream('orders', { orderId: t.string(), amountCents: t.int64(), ts: t.eventTime() })
const pipeline = definePipeline({ streams: [orders], views: [] })
const NOW = Date.now()

/** A finite source over fixed batches, that records the outcome of each ack and the checkpoint it was connected with. */
class ListSource implements Source {
  readonly stream = 'orders'
  readonly outcomes: IngestOutcome[] = []
  connectedWith: string | null | undefined
  #next = 0
  constructor(
    readonly name: string,
    private readonly batches: SourceMessage[][],
  ) {}
  async connect(checkpoint: string | null): Promise<void> {
    this.connectedWith = checkpoint
    this.#next = checkpoint === null ? 0 : Number(checkpoint)
  }
  async read(): Promise<SourceBatch | typeof END_OF_INPUT> {
    const i = this.#next
    if (i >= this.batches.length) return END_OF_INPUT
    this.#next++
    return { messages: this.batches[i]!, checkpoint: String(i + 1), ack: async (outcome) => void this.outcomes.push(outcome) }
  }
  async close(): Promise<void> {}
}

describe('IngestRunner: mapping and validation at ingest', () => {
  const logger = createJsonLogger({ level: 'error' })
  let log: MemoryEventLog
  let dlq: MemoryDeadLetterQueue
  afterEach(async () => {
    await log?.close()
    await dlq?.close()
  })

  async function run(source: Source, mappings = new Map<string, { mapping: unknown; where: string }>()) {
    const runner = new IngestRunner([source], log, dlq, pipeline, systemClock, logger, mappings, (error) => {
      throw error
    })
    runner.start()
    await runner.finished()
  }
  async function logged(): Promise<unknown[]> {
    const out: unknown[] = []
    const ends = await log.endOffsets(orders.topic)
    const total = [...ends.values()].reduce((a, b) => a + b, 0)
    const consumer = await log.consume({ groupId: 'read', topics: [orders.topic], eachBatch: async (b) => void out.push(...b.records.map((r) => JSON.parse(r.value.toString()))) })
    for (let i = 0; i < 200 && out.length < total; i++) await new Promise((r) => setTimeout(r, 10))
    await consumer.stop()
    return out
  }
  async function start() {
    log = new MemoryEventLog({ autoCreateTopics: true }, { clock: systemClock, logger })
    dlq = new MemoryDeadLetterQueue({}, { logger })
    await log.connect()
    await dlq.connect()
  }

  it('appends the valid messages, dead-letters the others with reason, source and position, and acks with the outcome', async () => {
    await start()
    const good = { orderId: 'o1', amountCents: 100, ts: NOW - 1000 }
    const source = new ListSource('shop-a', [
      [
        { value: JSON.stringify(good), position: 'line 1' },
        { value: '{"orderId": ', position: 'line 2' },
        { value: Buffer.concat([Buffer.from('{"orderId":"'), Buffer.from([0xff]), Buffer.from('"}')]), position: 'line 3' },
        { record: { ...good, orderId: 'o2', amountCents: 'x' }, position: 'line 4' },
        { record: { ...good, orderId: 'o3' }, position: 'line 5' },
        { value: JSON.stringify({ ...good, orderId: 'o4', ts: NOW + 2 * 3_600_000 }), position: 'line 6' },
        { value: 'a,"b', rejected: 'csv: the file ends inside a quoted field', position: 'line 7' },
        { record: { ...good, orderId: 'o5', amountCents: 7n, ts: new Date(NOW - 500) }, position: 'row 8' },
        { record: { ...good, orderId: 'o6', amountCents: 2n ** 60n }, position: 'row 9' },
      ],
    ])
    await run(source)
    expect(source.outcomes).toEqual([
      {
        accepted: 3,
        rejected: [
          { index: 1, reason: expect.stringMatching(/^invalid-json: /) },
          { index: 2, reason: 'invalid-utf8: the payload is not valid UTF-8' },
          { index: 3, reason: expect.stringMatching(/^mapping: field "amountCents"/) },
          { index: 5, reason: expect.stringMatching(/^future: /) },
          { index: 6, reason: 'csv: the file ends inside a quoted field' },
          { index: 8, reason: expect.stringMatching(/^mapping: field "amountCents".*beyond/) },
        ],
      },
    ])
    // Records are mapped even without a mapping: a bigint and a Date become the declared int and time.
    expect(await logged()).toEqual([good, { ...good, orderId: 'o3' }, { ...good, orderId: 'o5', amountCents: 7, ts: NOW - 500 }])
    const page = await dlq.read({ stream: 'orders', limit: 10 })
    expect(page.letters.map((l) => [l.stage, l.source, l.position, l.reason.split(':')[0]])).toEqual([
      ['ingest', 'shop-a', 'row 9', 'mapping'],
      ['ingest', 'shop-a', 'line 7', 'csv'],
      ['ingest', 'shop-a', 'line 6', 'future'],
      ['ingest', 'shop-a', 'line 4', 'mapping'],
      ['ingest', 'shop-a', 'line 3', 'invalid-utf8'],
      ['ingest', 'shop-a', 'line 2', 'invalid-json'],
    ])
    expect(page.letters.find((l) => l.position === 'line 4')!.payload.toString()).toBe(JSON.stringify({ ...good, orderId: 'o2', amountCents: 'x' }))
    expect(page.letters.find((l) => l.position === 'line 7')!.payload.toString()).toBe('a,"b')
    expect(JSON.parse(page.letters.find((l) => l.position === 'row 9')!.payload.toString()).amountCents).toBe(String(2n ** 60n))
  })

  it("maps records with the source's mapping: renamed fields, constants, CSV strings to types, times in a zone", async () => {
    await start()
    const source = new ListSource('csv-export', [
      [
        { record: { order_id: 'A-1', amount: '1250', created: '2026-03-01 07:30', note: 'x' }, position: 'a.csv:2' },
        { record: { order_id: 'A-2', amount: '12.5', created: '2026-03-01 07:31' }, position: 'a.csv:3' },
      ],
    ])
    const mapping = {
      rename: { order_id: 'orderId', amount: 'amountCents', created: 'ts' },
      timestamps: { ts: { format: 'pattern', pattern: 'yyyy-MM-dd HH:mm', zone: 'Asia/Jakarta' } },
    }
    await run(source, new Map([['csv-export', { mapping, where: 'sources[0].mapping' }]]))
    expect(await logged()).toEqual([{ orderId: 'A-1', amountCents: 1250, ts: Date.parse('2026-03-01T00:30:00Z') }])
    expect(source.outcomes[0]!.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/^mapping: field "amountCents" \(input "amount"\)/) }])
  })

  it("rejects a message the source could not read with the source's reason; a record parsed from JSON keeps JSON's types and text", async () => {
    await start()
    const o3 = { orderId: 'o3', amountCents: '250', ts: NOW }
    const source = new ListSource('csv-upload', [
      [
        { value: 'o1,12', rejected: 'csv: 2 fields where the header has 3', position: 'line 2' },
        { record: { orderId: 'o2', amountCents: '250', ts: String(NOW) }, position: 'line 3' },
        // A record with the JSON it was parsed from is checked as that JSON (no conversion without a mapping)...
        { record: o3, json: Buffer.from(JSON.stringify(o3)), position: 'line 4' },
        // ...and appended as that JSON (the order of its fields kept).
        { record: { ts: NOW, amountCents: 5, orderId: 'o4' }, json: Buffer.from(`{"ts":${NOW},"amountCents":5,"orderId":"o4"}`), position: 'line 5' },
      ],
    ])
    await run(source)
    expect((await logged()).map((e) => JSON.stringify(e))).toEqual([
      JSON.stringify({ orderId: 'o2', amountCents: 250, ts: NOW }),
      JSON.stringify({ ts: NOW, amountCents: 5, orderId: 'o4' }),
    ])
    expect(source.outcomes[0]!.rejected).toEqual([
      { index: 0, reason: 'csv: 2 fields where the header has 3' },
      { index: 2, reason: expect.stringMatching(/^schema: field "amountCents"/) },
    ])
    const letters = (await dlq.read({ stream: 'orders', limit: 10 })).letters
    expect(letters.find((l) => l.position === 'line 2')).toMatchObject({
      stage: 'ingest',
      source: 'csv-upload',
      reason: 'csv: 2 fields where the header has 3',
      payload: Buffer.from('o1,12'),
    })
    expect(letters.find((l) => l.position === 'line 4')?.payload).toEqual(Buffer.from(JSON.stringify(o3)))
  })

  it('saves the checkpoint a source computes from the outcome (checkpointAfter), before the ack', async () => {
    await start()
    const seen: string[] = []
    let acked = false
    const source = new ListSource('outcomes', [])
    source.read = async () => {
      if (seen.length > 0) return END_OF_INPUT
      return {
        messages: [{ value: JSON.stringify({ orderId: 'o', amountCents: 1, ts: NOW }) }, { value: '{}' }],
        checkpointAfter: (outcome) => {
          expect(acked).toBe(false)
          seen.push(JSON.stringify(outcome))
          return `accepted ${outcome.accepted}, rejected ${outcome.rejected.map((r) => r.index).join(',')}`
        },
        ack: async () => void (acked = true),
      }
    }
    await run(source)
    expect(acked).toBe(true)
    expect(await log.loadCheckpoint('source/outcomes')).toBe('accepted 1, rejected 1')
  })

  it('a bad mapping fails at start, naming the config key to fix', async () => {
    await start()
    const source = new ListSource('csv-export', [])
    expect(
      () => new IngestRunner([source], log, dlq, pipeline, systemClock, logger, new Map([['csv-export', { mapping: { rename: { a: 'nope' } }, where: 'sources[2].mapping' }]])),
    ).toThrow(/sources\[2\]\.mapping\.rename\.a: "nope" is not a field of stream "orders"/)
  })

  it('resumes after the checkpoint of the last batch in the log; a batch read again after a crash is one dead letter per input', async () => {
    await start()
    const batches: SourceMessage[][] = [[{ value: '{}', position: 'row 1' }], [{ value: JSON.stringify({ orderId: 'o', amountCents: 1, ts: NOW }), position: 'row 2' }]]
    await run(new ListSource('table', batches))
    const again = new ListSource('table', batches)
    await run(again)
    expect(again.connectedWith).toBe('2')
    // The letters of batch 1 written again (as after a crash before its append): read once.
    await dlq.write([{ stream: 'orders', stage: 'ingest', reason: 'schema: field "orderId" is missing', payload: Buffer.from('{}'), source: 'table', position: 'row 1', at: NOW }])
    expect((await dlq.read({ stream: 'orders', limit: 10 })).letters).toHaveLength(1)
    expect(await logged()).toHaveLength(1)
  })

  it('a readAhead source is read while its previous batch is appended; appends and acks stay in order, each with its checkpoint', async () => {
    await start()
    const events: string[] = []
    const order = (i: number) => ({ value: JSON.stringify({ orderId: `o${i}`, amountCents: i, ts: NOW }) })
    const source = new ListSource('ahead', [[order(1)], [order(2)], [order(3)]])
    Object.assign(source, { readAhead: true })
    const read = source.read.bind(source)
    source.read = async () => {
      const batch = await read()
      if (batch === END_OF_INPUT) return batch
      events.push(`read ${batch.checkpoint}`)
      return { ...batch, ack: async (outcome) => void events.push(`ack ${batch.checkpoint} (${outcome.accepted})`) }
    }
    const produce = log.produce.bind(log)
    log.produce = async (topic, messages, options) => {
      events.push(`append ${options?.checkpoint?.value}`)
      await new Promise((r) => setTimeout(r, 50))
      await produce(topic, messages, options)
    }
    await run(source)
    expect(events).toEqual(['read 1', 'append 1', 'read 2', 'ack 1 (1)', 'append 2', 'read 3', 'ack 2 (1)', 'append 3', 'ack 3 (1)'])
    expect(((await logged()) as { orderId: string }[]).map((e) => e.orderId)).toEqual(['o1', 'o2', 'o3'])
    expect(await log.loadCheckpoint('source/ahead')).toBe('3')
  })

  it('a readAhead source whose batch cannot be appended stops with that error; the batch read ahead is never acked or appended', async () => {
    await start()
    const order = (i: number) => ({ value: JSON.stringify({ orderId: `o${i}`, amountCents: i, ts: NOW }) })
    const source = new ListSource('ahead-fails', [[order(1)], [order(2)], [order(3)]])
    Object.assign(source, { readAhead: true })
    const produce = log.produce.bind(log)
    log.produce = async (topic, messages, options) => {
      if (options?.checkpoint?.value === '2') throw new TwinflowError('config', 'the topic refuses batch 2')
      await produce(topic, messages, options)
    }
    const errors: unknown[] = []
    const runner = new IngestRunner([source], log, dlq, pipeline, systemClock, logger, new Map(), (error) => errors.push(error))
    runner.start()
    await runner.finished()
    expect(errors.map(String)).toEqual([expect.stringContaining('the topic refuses batch 2')])
    expect(source.outcomes).toHaveLength(1)
    expect(await log.loadCheckpoint('source/ahead-fails')).toBe('1')
    expect(await logged()).toHaveLength(1)
  })
})
