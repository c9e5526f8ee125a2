import type { ChartData } from './chart-data.ts'

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** The chart's data as CSV: one row per window (ISO time, UTC), one column per series. */
export function chartCsv(data: ChartData, labels: readonly string[]): string {
  const lines = [['windowStart', ...labels].map(field).join(',')]
  data.times.forEach((t, i) => {
    lines.push([new Date(t).toISOString(), ...data.values.map((s) => (s[i] === null || s[i] === undefined ? '' : String(s[i])))].map(field).join(','))
  })
  return `${lines.join('\r\n')}\r\n`
}
