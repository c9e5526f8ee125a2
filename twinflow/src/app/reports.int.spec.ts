import { TOKENS, type Clock, type ReportNotification, systemClock } from '@twinflow/core'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import type { MemorySink } from '@twinflow/plugin-memory'
import { TestBotApi, visibleText } from '@twinflow/plugin-telegram/testing'
import { REPORT_TOKENS } from '@twinflow/report-layer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTwinflow } from './create-twinflow.ts'
import { caughtUp, DAY, HOUR, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'

const api = new TestBotApi()
const report = onlineStorePipeline.report('daily-revenue')
/** 07:00 in Jakarta on 24 Nov 2026: "yesterday" is 23 Nov there, 22 Nov 17:00 to 23 Nov 17:00 UTC, across the batch cutoff (23 Nov 12:00). */
const AT = Date.parse('2026-11-24T00:00:00Z')
const PERIOD = { from: Date.parse('2026-11-22T17:00:00Z'), to: Date.parse('2026-11-23T17:00:00Z') }

const sinks = () => [
  { plugin: 'memory', name: 'inbox', kinds: ['report' as const] },
  { plugin: 'telegram', name: 'chat', options: { token: api.token, chatId: -100200300, apiBaseUrl: api.url } },
  { plugin: 'memory', name: 'broken', kinds: ['report' as const], delivery: { retries: 2, initialDelayMs: 10, maxDelayMs: 20 } },
]
const config = () => ({ sinks: sinks(), reports: { channels: { 'daily-revenue': ['inbox', 'chat', 'broken'] } } })
const sinkNamed = (fixture: { twinflow: OnlineStoreFixture['twinflow'] }, name: string) => fixture.twinflow.container.getAll<MemorySink>(TOKENS.Sink).find((s) => s.name === name)!
/** The API's answer over HTTP, as a client reads it. */
async function graphql(twinflow: OnlineStoreFixture['twinflow'], query: string): Promise<Record<string, any>> {
  const { data, errors } = await graphqlRequest(twinflow.url!, query)
  if (errors) throw new Error(JSON.stringify(errors))
  return data!
}
const reports = (sink: MemorySink) => sink.notifications().filter((n): n is ReportNotification => n.kind === 'report')

let store: OnlineStoreFixture
beforeAll(async () => {
  await api.start()
  store = await startOnlineStore(config())
}, 120_000)
afterAll(async () => {
  await store?.twinflow.stop().catch(() => {})
  await api.stop()
})

describe('reports on the embedded runtimes', () => {
  it('sends the report: its tables are the API answers of the same range, its chart a PNG, to every channel; a broken channel is dead-lettered', async () => {
    sinkNamed(store, 'broken').failNextDeliveries(new Error('mailbox on fire'), 10)
    const result = await store.twinflow.get(REPORT_TOKENS.Runner).run(report, AT, 'schedule')
    expect(result.status).toBe('ran')
    const record = result.status === 'ran' ? result.record : null
    expect(record).toMatchObject({ runId: 'report/daily-revenue/2026-11-24T00:00:00.000Z', status: 'sent', trigger: 'schedule', late: false, period: PERIOD })
    expect(record!.deliveries).toEqual([
      { channel: 'inbox', status: 'delivered', attempts: 1 },
      { channel: 'chat', status: 'delivered', attempts: 1 },
      { channel: 'broken', status: 'dead-lettered', attempts: 3 },
    ])
    const [sent] = reports(sinkNamed(store, 'inbox'))
    expect(sent!.id).toBe(record!.runId)
    // The first table is the API's shopRevenueTop over the same windows, row for row.
    const answer = await graphql(
      store.twinflow,
      `{ shopRevenueTop(from: "${new Date(PERIOD.from).toISOString()}", to: "${new Date(PERIOD.to).toISOString()}", by: REVENUE_CENTS, limit: 10) { rows { shop orders revenueCents avgOrderCents } } }`,
    )
    const rows = answer.shopRevenueTop.rows as Record<string, unknown>[]
    expect(rows.length).toBeGreaterThan(0)
    expect(sent!.report.table).toEqual({ columns: ['shop', 'orders', 'revenueCents', 'avgOrderCents'], rows: rows.map((r) => [r.shop, r.orders, r.revenueCents, r.avgOrderCents]) })
    const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
    for (const r of rows) expect(sent!.report.html).toContain(`>${fmt.format(r.revenueCents as number)}</td>`)
    expect(sent!.report.period).toEqual(PERIOD)
    // One chart: an inline PNG the HTML names by its content id.
    expect(sent!.report.attachments).toHaveLength(1)
    const [chart] = sent!.report.attachments
    expect(sent!.report.html).toContain(`src="cid:${chart!.contentId}"`)
    expect([...chart!.content.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG')
    // Telegram: the text tables, then the chart.
    const calls = api.calls.slice(-2)
    expect(calls.map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto'])
    expect(visibleText(String(calls[0]!.fields.text))).toContain('Top 10 shops by revenue')
    expect(api.refused).toEqual([])
    // The broken channel's notification is a dead letter of the orders stream, and counted.
    const letters = store.twinflow.get(TOKENS.DeadLetterQueue) as unknown as { letters(): { stage: string; stream: string; reason: string }[] }
    expect(letters.letters().filter((l) => l.stage === 'channel:broken')).toEqual([expect.objectContaining({ stream: 'orders', reason: expect.stringMatching(/mailbox on fire/) })])
    const metrics = await store.twinflow.metrics.metrics()
    expect(metrics).toMatch(/twinflow_report_runs_total\{report="daily-revenue",trigger="schedule",outcome="sent"\} 1/)
    expect(metrics).toMatch(/twinflow_report_deliveries_total\{report="daily-revenue",channel="broken",outcome="dead-lettered"\} 1/)
  })

  it('sends a run once: the same scheduled time again is skipped', async () => {
    const again = await store.twinflow.get(REPORT_TOKENS.Runner).run(report, AT, 'schedule')
    expect(again).toEqual({ status: 'skipped', runId: 'report/daily-revenue/2026-11-24T00:00:00.000Z' })
    expect(reports(sinkNamed(store, 'inbox'))).toHaveLength(1)
    expect(await store.twinflow.get(REPORT_TOKENS.Ledger).runs('daily-revenue', 10)).toHaveLength(1)
    // Listed in GraphQL with its channels (from the config) and its last run.
    const { pipeline } = await graphql(
      store.twinflow,
      '{ pipeline { reports { name timeZone range channels views lastRun { runId status trigger late periodFrom deliveries { channel delivered attempts } } } } }',
    )
    expect(pipeline.reports).toEqual([
      {
        name: 'daily-revenue',
        timeZone: 'Asia/Jakarta',
        range: 'yesterday',
        channels: ['inbox', 'chat', 'broken'],
        views: ['shopRevenue', 'shopTraffic'],
        lastRun: {
          runId: 'report/daily-revenue/2026-11-24T00:00:00.000Z',
          status: 'SENT',
          trigger: 'SCHEDULE',
          late: false,
          periodFrom: '2026-11-22T17:00:00.000Z',
          deliveries: [
            { channel: 'inbox', delivered: true, attempts: 1 },
            { channel: 'chat', delivered: true, attempts: 1 },
            { channel: 'broken', delivered: false, attempts: 3 },
          ],
        },
      },
    ])
  })

  it('a failing channel stops neither the speed layer nor the next report', async () => {
    sinkNamed(store, 'broken').failNextDeliveries(new Error('still on fire'), 10)
    const [order] = store.orders.filter((o) => o.status === 'paid' && o.ts >= T - HOUR)
    await store.produce('orders', [{ ...order!, orderId: 'after-the-fire', amountCents: 123_456, ts: T + 10 * 60_000 }])
    await caughtUp(store.twinflow)
    const q = `{ shopRevenue(from: "${new Date(T - 30 * 60_000).toISOString()}", to: "${new Date(T + HOUR).toISOString()}", where: { shop: "${order!.shopId}" }) { rows { biggestOrderCents } } }`
    expect((await graphql(store.twinflow, q)).shopRevenue.rows[0].biggestOrderCents).toBeGreaterThanOrEqual(123_456)
    const next = await store.twinflow.get(REPORT_TOKENS.Runner).run(report, AT + DAY, 'schedule')
    expect(next.status === 'ran' && next.record.deliveries.map((d) => d.status)).toEqual(['delivered', 'delivered', 'dead-lettered'])
  })

  it('after a restart: a run sent before is not sent again, and the run the downtime missed is sent once, late', async () => {
    const dataConfig = store.twinflow.config
    await store.twinflow.stop()
    // Two days later, at 09:00 in Jakarta: the 07:00 run of 26 Nov was missed.
    const later: Clock = { now: () => Date.parse('2026-11-26T02:00:00Z'), sleep: systemClock.sleep }
    const restarted = createTwinflow({ pipeline: onlineStorePipeline, config: dataConfig, clock: later })
    try {
      await restarted.start(['report'])
      const inbox = restarted.container.getAll<MemorySink>(TOKENS.Sink).find((s) => s.name === 'inbox')!
      const ledger = restarted.get(REPORT_TOKENS.Ledger)
      // The catch-up delivers, then records the run.
      const deadline = Date.now() + 30_000
      while ((await ledger.runs('daily-revenue', 1))[0]?.trigger !== 'catch-up' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      const [late] = reports(inbox)
      expect(late!.id).toBe('report/daily-revenue/2026-11-26T00:00:00.000Z')
      expect(late!.report.text).toContain('Sent late: this report was due at 2026-11-26 07:00.')
      const runner = restarted.get(REPORT_TOKENS.Runner)
      expect((await runner.run(report, AT, 'schedule')).status).toBe('skipped')
      expect((await runner.run(report, Date.parse('2026-11-26T00:00:00Z'), 'schedule')).status).toBe('skipped')
      const runs = await ledger.runs('daily-revenue', 10)
      expect(
        runs.map((r) => [r.runId, r.trigger, r.late]),
        JSON.stringify(runs),
      ).toEqual([
        ['report/daily-revenue/2026-11-26T00:00:00.000Z', 'catch-up', true],
        ['report/daily-revenue/2026-11-25T00:00:00.000Z', 'schedule', false],
        ['report/daily-revenue/2026-11-24T00:00:00.000Z', 'schedule', false],
      ])
      expect(reports(inbox)).toHaveLength(1)
    } finally {
      await restarted.stop()
    }
  })
})
