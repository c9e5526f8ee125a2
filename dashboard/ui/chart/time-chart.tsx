import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import { formatCompact, formatNumber } from '../format.ts'
import type { ChartData } from './chart-data.ts'
import { type Boundary, cutoffPlugin } from './cutoff-plugin.ts'
import { seriesColor } from './palette.ts'

export interface TimeChartProps {
  data: ChartData
  labels: string[]
  /** Which series is `other` (drawn grey and dashed). */
  others: boolean[]
  boundary: Boundary
  /** The time range drawn, [from, to) in ms: the last bucket keeps its width (the speed layer's newest windows show). */
  range: [number, number]
  height?: number
  /** Called after each draw with data (the first one is the page's "first chart"). */
  onDraw?: () => void
}

/** The chart element with its uPlot instance, for exports (and the tests, which read what it draws). */
export type ChartElement = HTMLDivElement & { uplot?: uPlot }

const UTC = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC')
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/** Time ticks in UTC on a 24-hour clock: `14:00`, with the date under the first tick of each day (`Nov 23`). */
function timeTicks(_u: uPlot, splits: number[], _axis: number, _space: number, increment: number): string[] {
  return splits.map((s, i) => {
    const d = new Date(s * 1000)
    const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`
    if (increment >= 86_400) return day
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
    const previous = i > 0 ? new Date(splits[i - 1]! * 1000) : null
    return previous === null || previous.getUTCDate() !== d.getUTCDate() ? `${time}\n${day}` : time
  })
}

/**
 * A time-series chart (uPlot on a canvas: one draw call per series, however many points) of the
 * answer's series, with the batch/speed boundary. The chart is made again when its series change,
 * and only given the new values otherwise (a pushed answer redraws without a flash).
 */
export function TimeChart({ data, labels, others, boundary, range, height = 360, onDraw }: TimeChartProps) {
  const el = useRef<ChartElement>(null)
  const plot = useRef<uPlot | null>(null)
  const boundaryRef = useRef(boundary)
  const rangeRef = useRef(range)
  rangeRef.current = range
  const onDrawRef = useRef(onDraw)
  boundaryRef.current = boundary
  onDrawRef.current = onDraw
  const shape = JSON.stringify([labels, others])

  useEffect(() => {
    const container = el.current!
    const options: uPlot.Options = {
      width: container.clientWidth || 800,
      height,
      tzDate: UTC,
      scales: { x: { time: true, range: () => [rangeRef.current[0] / 1000, rangeRef.current[1] / 1000] } },
      cursor: { focus: { prox: 24 } },
      focus: { alpha: 0.35 },
      legend: { live: true },
      series: [
        { label: 'Window (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' },
        ...labels.map((label, i) => ({
          label,
          stroke: seriesColor(i, others[i]!),
          width: others[i] ? 1.5 : 2,
          dash: others[i] ? [6, 4] : undefined,
          points: { show: false },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => formatNumber(v),
        })),
      ],
      axes: [
        { stroke: '#667085', grid: { stroke: '#eaecf0', width: 1 }, ticks: { stroke: '#eaecf0', width: 1 }, values: timeTicks, space: 60 },
        { stroke: '#667085', grid: { stroke: '#eaecf0', width: 1 }, ticks: { show: false }, size: 64, values: (_u, values) => values.map((v) => formatCompact(v)) },
      ],
      plugins: [cutoffPlugin(() => boundaryRef.current)],
      hooks: {
        draw: [
          (u) => {
            if (u.data[0]!.length > 0) onDrawRef.current?.()
          },
        ],
      },
    }
    const u = new uPlot(options, [[], ...labels.map(() => [])] as uPlot.AlignedData, container)
    plot.current = u
    container.uplot = u
    const resize = new ResizeObserver(() => {
      if (container.clientWidth > 0 && container.clientWidth !== u.width) u.setSize({ width: container.clientWidth, height })
    })
    resize.observe(container)
    return () => {
      resize.disconnect()
      u.destroy()
      plot.current = null
      container.uplot = undefined
    }
  }, [shape, height])

  useEffect(() => {
    plot.current?.setData([data.times.map((t) => t / 1000), ...data.values] as uPlot.AlignedData)
  }, [data, shape, range[0], range[1]])

  useEffect(() => {
    plot.current?.redraw(false)
  }, [boundary.cutoff, boundary.version])

  return <div class="chart" ref={el} />
}
