import type { Scalar } from '@twinflow/core'
import type { ReportPeriod } from '../range/resolve-report-range.ts'

/** A table: named columns and rows of values (null: no value), in order. */
export interface DocumentTable {
  columns: string[]
  /** How to show each column's values: a time in the report's zone, a number, or as it is. */
  kinds: ('time' | 'number' | 'text')[]
  rows: (Scalar | null)[][]
}

/** One line of a chart: its label and its value per window of the chart's `windows` (null: none). */
export interface ChartLine {
  label: string
  values: (number | null)[]
}

export interface DocumentChart {
  style: 'line' | 'bar'
  measure: string
  /** Bucket starts (epoch ms), ascending. */
  windows: number[]
  lines: ChartLine[]
  /** The period charted: the x axis spans it, whichever windows have values. */
  period?: { from: number; to: number }
}

/** A section of a report: a table, or a chart with the table of its values. */
export type DocumentSection =
  | { kind: 'table'; title: string; view: string; table: DocumentTable }
  | { kind: 'chart'; title: string; view: string; chart: DocumentChart; table: DocumentTable }

/** What a report run read, before it is rendered (HTML, text, images). */
export interface ReportDocument {
  name: string
  title: string
  timeZone: string
  period: ReportPeriod
  /** The time the run was scheduled for (epoch ms). */
  scheduledAt: number
  /** The run was sent after its time (after downtime): the message says so. */
  late: boolean
  sections: DocumentSection[]
}
