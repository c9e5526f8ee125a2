import { describe, expect, it } from 'vitest'
import { count, definePipeline, defineReport, defineStream, defineView, distinct, parseReportRange, quantiles, sum, t, type ReportSpec } from '../index.ts'

const orders = defineStream('orders', { shop: t.string(), amount: t.int64(), ts: t.eventTime() })
const revenue = defineView('revenue', orders, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: (o) => ({ orders: count(), cents: sum(o.amount) }) })
const spec = (over: Partial<ReportSpec> = {}): ReportSpec => ({
  name: 'daily',
  cron: '0 7 * * *',
  timeZone: 'Asia/Jakarta',
  range: 'yesterday',
  views: [{ view: revenue, kind: 'top', by: 'cents' }],
  ...over,
})

describe('defineReport', () => {
  it('fills in the defaults of each query', () => {
    const report = defineReport(
      spec({
        views: [
          { view: revenue, kind: 'top', by: 'cents' },
          { view: revenue, kind: 'series', granularity: '1d', measures: ['cents'] },
          { view: revenue, kind: 'chart', measure: 'cents', splitBy: ['shop'] },
        ],
        channels: ['mail', 'mail'],
      }),
    )
    expect(report.title).toBe('daily')
    expect(report.timeZone).toBe('Asia/Jakarta')
    expect(report.rangeSpec).toEqual({ unit: 'day', count: 1, offset: 0 })
    expect(report.channels).toEqual(['mail'])
    expect(report.views[0]).toMatchObject({ kind: 'top', direction: 'DESC', limit: 10, measures: ['orders', 'cents'], title: 'revenue: top 10 by cents' })
    expect(report.views[1]).toMatchObject({ kind: 'series', granularity: '1d', measures: ['cents'], limit: 100 })
    expect(report.views[2]).toMatchObject({ kind: 'chart', granularity: '1h', splitBy: ['shop'], top: 5, style: 'line' })
  })

  it('rejects what cannot run, saying what to fix', () => {
    expect(() => defineReport(spec({ timeZone: 'Mars/Olympus' }))).toThrow(/report "daily": time zone "Mars\/Olympus" is not an IANA time zone name/)
    expect(() => defineReport(spec({ range: 'last fortnight' as never }))).toThrow(/is not a report range; use today, yesterday/)
    expect(() => defineReport(spec({ cron: ' ' }))).toThrow(/cron must be a cron expression/)
    expect(() => defineReport(spec({ name: 'a b' }))).toThrow(/name must match/)
    expect(() => defineReport(spec({ views: [] }))).toThrow(/at least one query/)
    expect(() => defineReport(spec({ views: [{ view: revenue, kind: 'top', by: 'profit' }] }))).toThrow(
      /views\[0\]: view "revenue" has no measure "profit" \(by\); its measures: orders, cents/,
    )
    const sketches = defineView('sketches', orders, {
      groupBy: (o) => ({ shop: o.shop }),
      window: '1h',
      measures: (o) => ({ orders: count(), buyers: distinct(o.shop), amounts: quantiles(o.amount, [0.5]) }),
    })
    expect(() => defineReport(spec({ views: [{ view: sketches, kind: 'top', by: 'buyers' }] }))).toThrow(/measure "buyers" \(by\) of view "sketches" is a sketch/)
    expect(() => defineReport(spec({ views: [{ view: sketches, kind: 'chart', measure: 'amounts' }] }))).toThrow(/measure "amounts" \(measure\) of view "sketches" is a sketch/)
    expect(() => defineReport(spec({ views: [{ view: sketches, kind: 'series', measures: ['amounts'] }] }))).toThrow(/is quantiles, which has no single value/)
    expect(defineReport(spec({ views: [{ view: sketches, kind: 'series' }] })).views[0]).toMatchObject({ measures: ['orders', 'buyers'] })
    expect(() => defineReport(spec({ views: [{ view: revenue, kind: 'chart', measure: 'cents', splitBy: ['region'] }] }))).toThrow(
      /has no key "region" \(splitBy\); its keys: shop/,
    )
    expect(() => defineReport(spec({ views: [{ view: revenue, kind: 'series', granularity: '5m' }] }))).toThrow(
      /granularity "5m" is finer than the window of view "revenue" \(1h\)/,
    )
    expect(() => defineReport(spec({ views: [{ view: revenue, kind: 'top', by: 'cents', limit: 0 }] }))).toThrow(/limit must be an integer from 1 to 1000, got 0/)
    expect(() => defineReport(spec({ views: [{ view: revenue, kind: 'pie' } as never] }))).toThrow(/kind must be "top", "series" or "chart", got "pie"/)
  })

  it('belongs to a pipeline that has its views', () => {
    const report = defineReport(spec())
    expect(definePipeline({ streams: [orders], views: [revenue], reports: [report] }).report('daily')).toBe(report)
    expect(() => definePipeline({ streams: [orders], views: [], reports: [report] })).toThrow(/report "daily" reads view "revenue", which is not in the pipeline's views/)
    expect(() => definePipeline({ streams: [orders], views: [revenue], reports: [report, report] })).toThrow(/report "daily" is declared twice/)
    expect(() => definePipeline({ streams: [orders], views: [revenue] }).report('daily')).toThrow(/unknown report "daily"; known: none/)
  })
})

describe('parseReportRange', () => {
  it('reads every form', () => {
    expect(parseReportRange('today')).toEqual({ unit: 'day', count: 1, offset: 1 })
    expect(parseReportRange('last 7 days')).toEqual({ unit: 'day', count: 7, offset: 0 })
    expect(parseReportRange('last 1 day')).toEqual({ unit: 'day', count: 1, offset: 0 })
    expect(parseReportRange('last 24 hours')).toEqual({ unit: 'hour', count: 24, offset: 0 })
    expect(parseReportRange('last month')).toEqual({ unit: 'month', count: 1, offset: 0 })
    expect(() => parseReportRange('last 0 days')).toThrow(/not a report range/)
    expect(() => parseReportRange('last 400 days')).toThrow(/not a report range/)
  })
})
