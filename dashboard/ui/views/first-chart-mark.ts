/**
 * The page's performance marks, from navigation start: the views' metadata read, the chart's first
 * answer received, the first chart with data drawn ("time to first chart"). Each is set once per
 * page load; the benchmark reads them.
 */
export const MARKS = {
  viewsLoaded: 'twinflow:views-loaded',
  firstAnswer: 'twinflow:first-answer',
  firstChart: 'twinflow:first-chart',
} as const

const marked = new Set<string>()

/** Sets a mark once per page load. */
export function markOnce(name: (typeof MARKS)[keyof typeof MARKS]): void {
  if (marked.has(name)) return
  marked.add(name)
  performance.mark(name)
}

/** Marks the first chart drawn in this page load. */
export function markFirstChart(): void {
  markOnce(MARKS.firstChart)
}
