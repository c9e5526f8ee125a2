import { scaleBand, scaleLinear, scaleUtc } from 'd3-scale'
import { DateTime } from 'luxon'
import { escapeXml } from '../render/escape-xml.ts'
import type { DocumentChart } from '../render/report-document.ts'

/** Size of a chart image, in CSS pixels (rendered at twice that for sharp text). */
export const CHART_WIDTH = 720
export const CHART_HEIGHT = 360
/** Line colours, in the order of the lines (colour-blind safe, Okabe–Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000']
const MARGIN = { top: 16, right: 32, bottom: 64, left: 72 }
const FONT = 'font-family="DejaVu Sans, sans-serif"'

const NUMBER = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

/**
 * A chart as an SVG document: one line (or one bar per window) for each of the chart's lines,
 * time on x in the report's zone, a y axis from zero, a legend below. Axis ticks come from
 * d3-scale: times are shifted to the zone's wall clock and laid out as UTC, so that ticks fall on
 * local hours and days.
 */
export function chartSvg(chart: DocumentChart, timeZone: string): string {
  const width = CHART_WIDTH
  const height = CHART_HEIGHT
  const plotRight = width - MARGIN.right
  const plotBottom = height - MARGIN.bottom
  const wall = (t: number) => t + DateTime.fromMillis(t, { zone: timeZone }).offset * 60_000
  const values = chart.lines.flatMap((l) => l.values.filter((v): v is number => v !== null))
  const y = scaleLinear()
    .domain([Math.min(0, ...values), Math.max(0, ...values) || 1])
    .nice()
    .range([plotBottom, MARGIN.top])
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ]
  for (const tick of y.ticks(5)) {
    const py = y(tick)
    out.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${py}" y2="${py}" stroke="#e3e6ea"/>`)
    out.push(`<text x="${MARGIN.left - 8}" y="${py + 4}" text-anchor="end" font-size="12" fill="#445" ${FONT}>${escapeXml(NUMBER.format(tick))}</text>`)
  }
  const windows = chart.windows.map(wall)
  if (windows.length === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="14" fill="#667" ${FONT}>No data in this period</text>`)
  } else if (chart.style === 'bar') {
    const x = scaleBand<number>().domain(windows).range([MARGIN.left, plotRight]).paddingInner(0.2).paddingOuter(0.1)
    const inner = scaleBand<number>()
      .domain(chart.lines.map((_, i) => i))
      .range([0, x.bandwidth()])
    chart.lines.forEach((line, i) => {
      line.values.forEach((v, w) => {
        if (v === null) return
        const top = Math.min(y(v), y(0))
        out.push(
          `<rect x="${x(windows[w]!)! + inner(i)!}" y="${top}" width="${Math.max(1, inner.bandwidth())}" height="${Math.abs(y(v) - y(0))}" fill="${PALETTE[i % PALETTE.length]}"/>`,
        )
      })
    })
    const every = Math.ceil(windows.length / 8)
    windows.forEach((w, i) => {
      if (i % every === 0) out.push(xLabel(x(w)! + x.bandwidth() / 2, plotBottom, label(w, chart.windows)))
    })
  } else {
    const first = chart.period ? wall(chart.period.from) : windows[0]!
    const last = chart.period ? wall(chart.period.to) : windows[windows.length - 1]!
    const x = scaleUtc()
      .domain([first, last > first ? last : first + 3_600_000])
      .range([MARGIN.left, plotRight])
    for (const tick of x.ticks(7)) out.push(xLabel(x(tick), plotBottom, x.tickFormat(7)(tick)))
    chart.lines.forEach((line, i) => {
      const colour = PALETTE[i % PALETTE.length]
      // A window with no value breaks the line: the next point starts a new segment.
      let path = ''
      let pen = 'M'
      line.values.forEach((v, w) => {
        if (v === null) return void (pen = 'M')
        path += `${pen}${x(windows[w]!).toFixed(1)},${y(v).toFixed(1)}`
        pen = 'L'
      })
      if (path !== '') out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`)
      line.values.forEach((v, w) => {
        if (v !== null) out.push(`<circle cx="${x(windows[w]!).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${colour}"/>`)
      })
    })
  }
  out.push(`<line x1="${MARGIN.left}" x2="${plotRight}" y1="${y(0)}" y2="${y(0)}" stroke="#889"/>`)
  let legendX = MARGIN.left
  chart.lines.forEach((line, i) => {
    const text = line.label.length > 28 ? `${line.label.slice(0, 27)}…` : line.label
    out.push(`<rect x="${legendX}" y="${height - 22}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>`)
    out.push(`<text x="${legendX + 16}" y="${height - 12}" font-size="12" fill="#223" ${FONT}>${escapeXml(text)}</text>`)
    legendX += 16 + text.length * 7.5 + 18
  })
  out.push('</svg>')
  return out.join('\n')
}

function xLabel(x: number, plotBottom: number, text: string): string {
  return `<text x="${x}" y="${plotBottom + 18}" text-anchor="middle" font-size="12" fill="#445" ${FONT}>${escapeXml(text)}</text>`
}

/** A bar's label: the time of day when every window is within one day, else the date. */
function label(wallTime: number, windows: readonly number[]): string {
  const iso = new Date(wallTime).toISOString()
  const span = windows.length > 1 ? windows[windows.length - 1]! - windows[0]! : 0
  return span < 86_400_000 ? iso.slice(11, 16) : iso.slice(5, 10)
}
