import { count, defineAlert, defineStream, definePipeline, defineView, max, sum, t, type AlertNotification } from '@twinflow/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestPipeline } from './create-test-pipeline.ts'
import { GraphQLRequestError } from './graphql-request-error.ts'
import type { TestPipeline } from './test-pipeline.ts'

const sales = defineStream('sales', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const shopSales = defineView('shopSales', sales, {
  groupBy: (s) => ({ shop: s.shop }),
  window: '1h',
  measures: (s) => ({ sales: count(), cents: sum(s.cents), biggest: max(s.cents) }),
})
const pipeline = definePipeline({ streams: [sales], views: [shopSales] })
const at = (iso: string) => Date.parse(iso)
const SERIES = `query($from: DateTime!, $to: DateTime!) { shopSales(from: $from, to: $to, orderBy: [{ field: WINDOW_START }, { field: SHOP }]) { cutoff version rows { windowStart shop sales cents biggest } } }`

describe('createTestPipeline: a pipeline test in a few lines', () => {
  let tf: TestPipeline | undefined
  afterEach(async () => {
    await tf?.stop()
    tf = undefined
  })

  it('merges the batch version below the cutoff with the speed layer above it, and moves the cutoff with the clock', async () => {
    tf = await createTestPipeline({ pipeline, now: '2026-11-23T12:30:00Z' })
    await tf.send('sales', [
      { shop: 'a', cents: 100, ts: at('2026-11-23T10:15:00Z') },
      { shop: 'a', cents: 250, ts: at('2026-11-23T10:45:00Z') },
      { shop: 'b', cents: 40, ts: '2026-11-23T11:05:00Z' },
      { shop: 'a', cents: 3, ts: at('2026-11-23T12:10:00Z') },
    ])
    // The clock's bound (12:25) and the stream's (its newest event, 12:10, less the lateness) put the cutoff at 12:00.
    const [run] = await tf.runBatch()
    expect(run).toMatchObject({ view: 'shopSales', status: 'succeeded', cutoff: at('2026-11-23T12:00:00Z') })
    await tf.send('sales', [{ shop: 'a', cents: 7, ts: at('2026-11-23T12:20:00Z') }])
    const variables = { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' }
    const { shopSales: before } = await tf.query(SERIES, { variables })
    expect(before.cutoff).toBe('2026-11-23T12:00:00.000Z')
    expect(before.rows).toEqual([
      { windowStart: '2026-11-23T10:00:00.000Z', shop: 'a', sales: 2, cents: 350, biggest: 250 },
      { windowStart: '2026-11-23T11:00:00.000Z', shop: 'b', sales: 1, cents: 40, biggest: 40 },
      { windowStart: '2026-11-23T12:00:00.000Z', shop: 'a', sales: 2, cents: 10, biggest: 7 },
    ])
    tf.clock.advance('1h')
    await tf.send('sales', [{ shop: 'c', cents: 1, ts: at('2026-11-23T13:20:00Z') }])
    await tf.runBatch()
    const { shopSales: after } = await tf.query(SERIES, { variables })
    expect(after.cutoff).toBe('2026-11-23T13:00:00.000Z')
    expect(after.version).toBe(before.version + 1)
    expect(after.rows).toEqual([...before.rows, { windowStart: '2026-11-23T13:00:00.000Z', shop: 'c', sales: 1, cents: 1, biggest: 1 }])
  })

  it('dead-letters what does not match the stream, with the reason, and answers bad queries with GraphQL errors', async () => {
    tf = await createTestPipeline({ pipeline, now: '2026-11-23T12:30:00Z' })
    await tf.send('sales', [{ shop: 'a', cents: 'ten', ts: at('2026-11-23T12:01:00Z') }, '{"shop": ', { shop: 'b', cents: 5, ts: at('2026-11-23T12:02:00Z') }])
    const reasons = tf.deadLetters().map((l) => `${l.stage}: ${l.reason}`)
    // One letter per bad input, from the stage that first read it (the archiver reads every record).
    expect(reasons.sort()).toEqual([expect.stringMatching(/^archiver: invalid-json: /), 'archiver: schema: field "cents": expected a safe integer, got "ten"'])
    const error = await tf.query('{ shopSales(from: "2026-11-24T00:00:00Z", to: "2026-11-23T00:00:00Z") { rows { shop } } }').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GraphQLRequestError)
    expect((error as GraphQLRequestError).codes).toEqual(['BAD_USER_INPUT'])
    const { shopSales: answer } = await tf.query(SERIES, { variables: { from: '2026-11-23T00:00:00Z', to: '2026-11-24T00:00:00Z' } })
    expect(answer.rows).toEqual([{ windowStart: '2026-11-23T12:00:00.000Z', shop: 'b', sales: 1, cents: 5, biggest: 5 }])
  })

  it('runs the alert role when the config turns a rule on, and shows what a memory channel was told', async () => {
    const bigShop = defineAlert(shopSales, { name: 'bigShop', measure: 'cents', range: '1h', above: 1000 })
    tf = await createTestPipeline({
      pipeline: definePipeline({ streams: [sales], views: [shopSales], alerts: [bigShop] }),
      now: '2026-11-23T12:30:00Z',
      config: { sinks: [{ plugin: 'memory', name: 'pager', kinds: ['alert'] }], alerts: { rules: { bigShop: { channels: ['pager'] } }, pollIntervalMs: 20 } },
    })
    await tf.send('sales', [
      { shop: 'a', cents: 700, ts: at('2026-11-23T12:05:00Z') },
      { shop: 'a', cents: 400, ts: at('2026-11-23T12:10:00Z') },
      { shop: 'b', cents: 5, ts: at('2026-11-23T12:10:00Z') },
    ])
    const told = () => tf!.notifications('pager') as AlertNotification[]
    for (const deadline = Date.now() + 10_000; told().length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20))
    expect(told().map((n) => [n.alert.state, n.alert.group, n.alert.value])).toEqual([['firing', { shop: 'a' }, 1100]])
    expect(() => tf!.notifications('ops')).toThrow('no channel is named "ops"; channels: pager')
  })
})
