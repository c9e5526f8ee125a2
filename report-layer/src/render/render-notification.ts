import type { ReportNotification } from '@twinflow/core'
import { chartSvg } from '../chart/chart-svg.ts'
import { renderPng } from '../chart/render-png.ts'
import { renderHtml } from './render-html.ts'
import { renderText } from './render-text.ts'
import type { ReportDocument } from './report-document.ts'

/** The notification id of a report run: the same for every delivery of the run (its idempotency key). */
export function reportRunId(report: string, scheduledAt: number, trigger: 'schedule' | 'catch-up' | 'manual'): string {
  return `report/${report}/${trigger === 'manual' ? 'manual/' : ''}${new Date(scheduledAt).toISOString()}`
}

/**
 * A read report as the notification channels deliver it: the HTML (charts as `cid:` images), the
 * text, the first table (`report.table`; every table is in the HTML and the text) and each chart
 * as a PNG attachment whose content id the HTML names.
 */
export function renderNotification(doc: ReportDocument, id: string, createdAt: number): ReportNotification {
  const charts = doc.sections.flatMap((s) => (s.kind === 'chart' ? [s] : []))
  const ids = charts.map((_, i) => `chart-${i + 1}.${doc.name}@twinflow`)
  const attachments = charts.map((section, i) => ({
    contentId: ids[i]!,
    filename: `${doc.name}-chart-${i + 1}.png`,
    contentType: 'image/png' as const,
    content: renderPng(chartSvg(section.chart, doc.timeZone)),
  }))
  const first = doc.sections[0]?.table ?? { columns: [], rows: [] }
  return {
    kind: 'report',
    id,
    createdAt,
    report: {
      name: doc.name,
      title: doc.title,
      html: renderHtml(doc, ids),
      text: renderText(doc),
      table: { columns: [...first.columns], rows: first.rows.map((r) => [...r]) },
      attachments,
      views: [...new Set(doc.sections.map((s) => s.view))],
      period: doc.period,
    },
  }
}
