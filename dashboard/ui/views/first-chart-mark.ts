/** The performance mark set when the first chart with data is drawn: navigation start to it is "time to first chart". */
export const FIRST_CHART_MARK = 'twinflow:first-chart'

let marked = false

/** Marks the first chart drawn in this page load (once). */
export function markFirstChart(): void {
  if (marked) return
  marked = true
  performance.mark(FIRST_CHART_MARK)
}
