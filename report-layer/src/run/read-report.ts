import type { ReportDef, ResolvedReportQuery, Scalar, ViewDef } from '@twinflow/core'
import { resolveReportRange, type ReportPeriod } from '../range/resolve-report-range.ts'
import type { DocumentSection, DocumentTable, ReportDocument } from '../render/report-document.ts'
import type { KeyValues, ViewAnswers } from '../view-answers.ts'

/** `{ shop: "a" }` and `{ shop: ["a", "b"] }` as the API's key filter. */
function keyFilterOf(where: ResolvedReportQuery['where']): KeyValues {
  return Object.fromEntries(Object.entries(where ?? {}).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v as Scalar]]))
}

function table(columns: { name: string; kind: DocumentTable['kinds'][number] }[], rows: Record<string, Scalar>[]): DocumentTable {
  return { columns: columns.map((c) => c.name), kinds: columns.map((c) => c.kind), rows: rows.map((row) => columns.map((c) => row[c.name] ?? null)) }
}

const keyColumns = (view: ViewDef) => view.keys.map((k) => ({ name: k.name, kind: k.type === 'int' ? ('number' as const) : ('text' as const) }))
const measureColumns = (names: readonly string[]) => names.map((name) => ({ name, kind: 'number' as const }))

/** Reads one section: its query through the view answers, as a table (and a chart's lines). */
async function readSection(query: ResolvedReportQuery, period: ReportPeriod, answers: ViewAnswers): Promise<DocumentSection> {
  const view = query.view
  const selection = { view: view.name, from: period.from, to: period.to, keyFilter: keyFilterOf(query.where) }
  switch (query.kind) {
    case 'top': {
      const answer = await answers.top({ ...selection, by: query.by, direction: query.direction, limit: query.limit })
      return { kind: 'table', title: query.title, view: view.name, table: table([...keyColumns(view), ...measureColumns(query.measures)], answer.rows) }
    }
    case 'series': {
      const answer = await answers.series({ ...selection, granularity: query.granularity, limit: query.limit })
      const columns = [{ name: 'windowStart', kind: 'time' as const }, ...keyColumns(view), ...measureColumns(query.measures)]
      return { kind: 'table', title: query.title, view: view.name, table: table(columns, answer.rows) }
    }
    case 'chart': {
      const answer = await answers.split({ ...selection, granularity: query.granularity, measure: query.measure, splitBy: query.splitBy, top: query.top })
      const lines = answer.series.map((s) => ({
        label: s.other ? 'other' : query.splitBy.length === 0 ? query.measure : query.splitBy.map((k) => String(s.keys[k])).join(' / '),
        values: s.values.map((v) => (typeof v === 'number' ? v : null)),
      }))
      const values: DocumentTable = {
        columns: ['windowStart', ...lines.map((l) => l.label)],
        kinds: ['time', ...lines.map(() => 'number' as const)],
        rows: answer.windows.map((w, i) => [w, ...lines.map((l) => l.values[i] ?? null)]),
      }
      return { kind: 'chart', title: query.title, view: view.name, chart: { style: query.style, measure: query.measure, windows: answer.windows, lines, period }, table: values }
    }
  }
}

/** Reads every section of a report for the run scheduled at `scheduledAt`: the period in the report's zone, each query answered as the API would. */
export async function readReport(report: ReportDef, scheduledAt: number, answers: ViewAnswers, late = false): Promise<ReportDocument> {
  const period = resolveReportRange(report.rangeSpec, scheduledAt, report.timeZone)
  const sections = await Promise.all(report.views.map((query) => readSection(query, period, answers)))
  return { name: report.name, title: report.title, timeZone: report.timeZone, period, scheduledAt, late, sections }
}
