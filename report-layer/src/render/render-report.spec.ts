import { describe, expect, it } from 'vitest'
import { chartSvg } from '../chart/chart-svg.ts'
import { renderPng } from '../chart/render-png.ts'
import { renderHtml } from './render-html.ts'
import { renderText } from './render-text.ts'
import type { ReportDocument } from './report-document.ts'

const from = Date.parse('2026-11-22T17:00:00Z')
const doc: ReportDocument = {
  name: 'daily',
  title: 'Revenue <yesterday>',
  timeZone: 'Asia/Jakarta',
  period: { from, to: from + 86_400_000 },
  scheduledAt: from + 86_400_000 + 7 * 3_600_000,
  late: true,
  sections: [
    {
      kind: 'table',
      title: 'Top shops',
      view: 'shopRevenue',
      table: {
        columns: ['shop', 'revenueCents'],
        kinds: ['text', 'number'],
        rows: [
          ['a&b', 1234567],
          ['c', null],
        ],
      },
    },
    {
      kind: 'chart',
      title: 'Revenue per hour',
      view: 'shopRevenue',
      chart: { style: 'line', measure: 'revenueCents', windows: [from, from + 3_600_000], lines: [{ label: 'revenueCents', values: [10, 20.5] }] },
      table: {
        columns: ['windowStart', 'revenueCents'],
        kinds: ['time', 'number'],
        rows: [
          [from, 10],
          [from + 3_600_000, 20.5],
        ],
      },
    },
  ],
}

describe('report rendering', () => {
  it('renders HTML with escaped text, grouped numbers, local times and the chart by content id', () => {
    const html = renderHtml(doc, ['chart-0@twinflow'])
    expect(html).toContain('Revenue &lt;yesterday&gt;')
    expect(html).toContain('<td style="padding:4px 10px;border-bottom:1px solid #e3e6ea;text-align:left">a&amp;b</td>')
    expect(html).toContain('>1,234,567</td>')
    expect(html).toContain('>–</td>')
    expect(html).toContain('<img src="cid:chart-0@twinflow"')
    expect(html).toContain('2026-11-23 00:00 – 2026-11-24 00:00 (Asia/Jakarta)')
    expect(html).toContain('>2026-11-23 01:00</td>')
    expect(html).toContain('Sent late: this report was due at 2026-11-24 07:00.')
    expect(html).not.toMatch(/<script|https?:\/\//)
  })

  it('renders text tables aligned, numbers to the right', () => {
    const text = renderText(doc)
    expect(text).toContain(['Top shops', 'shop  revenueCents', '----  ------------', 'a&b      1,234,567', 'c                –'].join('\n'))
    expect(text).toContain('Revenue per hour (chart attached)')
    expect(text).toContain('2026-11-23 01:00          20.5')
  })

  it('draws a chart as a PNG with the bundled fonts', () => {
    const png = renderPng(chartSvg(doc.sections[1]!.kind === 'chart' ? doc.sections[1]!.chart : (null as never), doc.timeZone))
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const view = new DataView(png.buffer, png.byteOffset)
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([1440, 720])
  })
})
