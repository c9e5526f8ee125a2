import { escapeXml } from './escape-xml.ts'
import { formatPeriod, formatTime, formatValue } from './format-value.ts'
import type { DocumentTable, ReportDocument } from './report-document.ts'

const CELL = 'padding:4px 10px;border-bottom:1px solid #e3e6ea;'

function htmlTable(table: DocumentTable, timeZone: string): string {
  const align = (i: number) => (table.kinds[i] === 'number' ? 'right' : 'left')
  const head = table.columns.map((c, i) => `<th style="${CELL}text-align:${align(i)};background:#f3f5f7">${escapeXml(c)}</th>`).join('')
  const body =
    table.rows.length === 0
      ? `<tr><td colspan="${table.columns.length}" style="${CELL}color:#667">No rows in this period.</td></tr>`
      : table.rows
          .map((row) => `<tr>${row.map((v, i) => `<td style="${CELL}text-align:${align(i)}">${escapeXml(formatValue(v, table.kinds[i]!, timeZone))}</td>`).join('')}</tr>`)
          .join('\n')
  return `<table style="border-collapse:collapse;font-size:14px;margin:8px 0 20px"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`
}

/**
 * The HTML form of a report, for email clients: inline styles only, no script, no remote
 * resource; chart `i` (counting charts only, from 0) is `<img src="cid:<chartIds[i]>">`, an attachment of the message.
 */
export function renderHtml(doc: ReportDocument, chartIds: readonly string[]): string {
  let chart = 0
  const sections = doc.sections.map((section) => {
    const heading = `<h2 style="font-size:16px;margin:18px 0 6px">${escapeXml(section.title)}</h2>`
    if (section.kind === 'table') return `<section data-view="${escapeXml(section.view)}">${heading}${htmlTable(section.table, doc.timeZone)}</section>`
    const id = chartIds[chart++]!
    return `<section data-view="${escapeXml(section.view)}">${heading}<img src="cid:${escapeXml(id)}" alt="${escapeXml(section.title)}" width="720" style="max-width:100%;height:auto;display:block">${htmlTable(section.table, doc.timeZone)}</section>`
  })
  const late = doc.late
    ? `<p style="background:#fff4d6;padding:6px 10px;border-radius:4px">Sent late: this report was due at ${escapeXml(formatTime(doc.scheduledAt, doc.timeZone))}.</p>`
    : ''
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeXml(doc.title)}</title></head>
<body style="font-family:Helvetica,Arial,sans-serif;color:#1d2329;margin:16px">
<h1 style="font-size:20px;margin:0 0 4px">${escapeXml(doc.title)}</h1>
<p style="color:#566;margin:0 0 8px">${escapeXml(formatPeriod(doc.period, doc.timeZone))}</p>
${late}${sections.join('\n')}
<p style="color:#889;font-size:12px">Sent by Twinflow, report "${escapeXml(doc.name)}".</p>
</body></html>
`
}
