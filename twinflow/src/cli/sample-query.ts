import type { Pipeline } from '@twinflow/core'

const HOUR = 3_600_000

/**
 * A query of the pipeline's first view over the last 24 hours (and the coming hour), at the view's
 * window, with every key and measure: something to paste into GraphiQL that returns rows.
 */
export function sampleQuery(pipeline: Pipeline, now: number): string | null {
  const view = pipeline.views[0]
  if (!view) return null
  const from = new Date(now - 24 * HOUR).toISOString()
  const to = new Date(now + HOUR).toISOString()
  const fields = ['windowStart', ...view.keys.map((k) => k.name), ...view.measures.map((m) => m.name)].join(' ')
  return `{ ${view.name}(from: "${from}", to: "${to}") { cutoff version totalCount rows { ${fields} } } }`
}
