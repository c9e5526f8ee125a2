import { formatPeriod, formatTime, formatValue } from './format-value.ts'
import type { DocumentTable, ReportDocument } from './report-document.ts'

/** A table as monospace text: a header, a rule, one line per row; numbers right-aligned. */
export function textTable(table: DocumentTable, timeZone: string): string {
  const cells = table.rows.map((row) => row.map((v, i) => formatValue(v, table.kinds[i]!, timeZone)))
  const widths = table.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => (table.kinds[i] === 'number' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  const out = [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)]
  if (table.rows.length === 0) out.push('(no rows)')
  return out.join('\n')
}

/** The plain-text form of a report (the email's text part, the chat message): heading, period, each section's table. */
export function renderText(doc: ReportDocument): string {
  const parts = [doc.title, `Period: ${formatPeriod(doc.period, doc.timeZone)}`]
  if (doc.late) parts.push(`Sent late: this report was due at ${formatTime(doc.scheduledAt, doc.timeZone)}.`)
  for (const section of doc.sections) {
    parts.push('', section.kind === 'chart' ? `${section.title} (chart attached)` : section.title, textTable(section.table, doc.timeZone))
  }
  return `${parts.join('\n')}\n`
}
