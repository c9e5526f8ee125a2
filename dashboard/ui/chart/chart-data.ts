import type { SplitAnswer } from '../views/split-answer.ts'
import { GRANULARITY_MS } from '../views/time-units.ts'

/** What the chart draws: bucket starts (ms) and one value per bucket for each series. */
export interface ChartData {
  times: number[]
  values: (number | null)[][]
}

/** Most buckets filled in between answers' windows; past that only the answer's windows are drawn. */
const MAX_FILLED = 20_000

/**
 * The answer's series on every bucket of [from, to): a bucket without a row is 0 for a count or a
 * sum (no event in it) and a gap for the other measures (min, max and avg of nothing are undefined).
 * Calendar months are uneven: their windows are drawn as answered.
 */
export function chartData(answer: SplitAnswer, from: number, to: number, zeroWhenEmpty: boolean): ChartData {
  const windows = answer.windows.map((w) => Date.parse(w))
  const size = GRANULARITY_MS[answer.granularity]
  const empty = zeroWhenEmpty ? 0 : null
  if (!size || answer.granularity === 'MONTH' || (to - from) / size > MAX_FILLED) {
    return { times: windows, values: answer.series.map((s) => s.values.map((v) => v ?? empty)) }
  }
  const first = Math.floor(from / size) * size
  const times: number[] = []
  for (let t = first; t < to; t += size) times.push(t)
  const index = new Map(windows.map((w, i) => [w, i]))
  return {
    times,
    values: answer.series.map((s) =>
      times.map((t) => {
        const at = index.get(t)
        return at === undefined ? empty : (s.values[at] ?? empty)
      }),
    ),
  }
}
