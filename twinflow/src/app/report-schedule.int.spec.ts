import { defineReport, definePipeline, TOKENS, type ReportNotification } from '@twinflow/core'
import { orders, pageViews, shopRevenue } from '@twinflow/example-online-store'
import type { MemorySink } from '@twinflow/plugin-memory'
import { REPORT_TOKENS } from '@twinflow/report-layer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { createTwinflow } from './create-twinflow.ts'
import type { Twinflow } from './twinflow.ts'

// The report role on its schedule, with the system clock: a report every two seconds in Kathmandu
// (UTC+05:45), whose hours start at a quarter past the UTC hour.
const everyTwoSeconds = defineReport({
  name: 'kathmandu-hour',
  cron: '*/2 * * * * *',
  timeZone: 'Asia/Kathmandu',
  range: 'last 1 hours',
  views: [{ view: shopRevenue, kind: 'top', by: 'orders' }],
  channels: ['inbox'],
})
const pipeline = definePipeline({ streams: [orders, pageViews], views: [shopRevenue], reports: [everyTwoSeconds] })

describe('the report role on its schedule', () => {
  let twinflow: Twinflow
  beforeAll(async () => {
    twinflow = createTwinflow({ pipeline, config: embeddedTestConfig({ sinks: [{ plugin: 'memory', name: 'inbox', kinds: ['report'] }], reports: { catchUpMs: 0 } }) })
    await twinflow.start(['report'])
  }, 60_000)
  afterAll(() => twinflow?.stop())

  it('runs each scheduled time once, its range in the report zone', async () => {
    const inbox = twinflow.container.getAll<MemorySink>(TOKENS.Sink).find((s) => s.name === 'inbox')!
    const sent = () => inbox.notifications().filter((n): n is ReportNotification => n.kind === 'report')
    const deadline = Date.now() + 20_000
    while (sent().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const reports = sent()
    expect(reports.length).toBeGreaterThanOrEqual(3)
    const times = reports.map((r) => Date.parse(r.id.replace('report/kathmandu-hour/', '')))
    expect(new Set(times).size).toBe(times.length)
    for (const t of times) expect(t % 2000).toBe(0)
    for (const { report } of reports) {
      // A Kathmandu hour starts at :15 UTC.
      expect(report.period.from % 3_600_000).toBe(15 * 60_000)
      expect(report.period.to - report.period.from).toBe(3_600_000)
    }
    const runs = await twinflow.get(REPORT_TOKENS.Ledger).runs('kathmandu-hour', 100)
    expect(runs.every((r) => r.status === 'sent' && r.trigger === 'schedule')).toBe(true)
    expect(new Set(runs.map((r) => r.runId)).size).toBe(runs.length)
  })

  it('refuses a report whose channel is not configured, or whose zone is unknown, at start with what to fix', async () => {
    const bad = (report: ReturnType<typeof defineReport>, sinks: object[] = []) =>
      createTwinflow({
        pipeline: definePipeline({ streams: [orders, pageViews], views: [shopRevenue], reports: [report] }),
        config: embeddedTestConfig({ sinks: sinks as never }),
      }).validate()
    await expect(bad(everyTwoSeconds)).rejects.toThrow(/report "kathmandu-hour" \(its channels\): no channel \(sink\) is named "inbox"; channels: none/)
    expect(() => defineReport({ ...everyTwoSeconds, name: 'x', timeZone: 'Asia/Kathmandoo' } as never)).toThrow(/time zone "Asia\/Kathmandoo" is not an IANA time zone name/)
    await expect(bad({ ...everyTwoSeconds, cron: '61 * * * *' }, [{ plugin: 'memory', name: 'inbox' }])).rejects.toThrow(/invalid cron expression "61 \* \* \* \*"/)
  })
})
