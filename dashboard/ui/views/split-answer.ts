import type { GraphQLClient } from '../api/graphql-client.ts'
import { constantCase, pascalCase } from '../api/graphql-names.ts'
import type { ViewMeta } from '../api/pipeline-meta.ts'
import type { ResolvedView } from './view-state.ts'

export interface Freshness {
  cutoff: string | null
  batchVersion: number | null
  batchPublishedAt: string | null
  newestEventTime: string | null
  realtimeLagMs: number | null
  pendingEvents: number
  answeredAt: string
}

export interface SplitSeries {
  keys?: Record<string, string | number | boolean | null>
  other: boolean
  total: number | null
  values: (number | null)[]
}

/** `<view>Split` as the chart asks for it. */
export interface SplitAnswer {
  windows: string[]
  granularity: string
  groupCount: number
  cutoff: string | null
  version: number | null
  series: SplitSeries[]
  freshness: Freshness
}

const FRESHNESS = 'freshness { cutoff batchVersion batchPublishedAt newestEventTime realtimeLagMs pendingEvents answeredAt }'

/** The document of the chart's data: a query, or the subscription that pushes it again on every change. */
export function splitDocument(view: ViewMeta, operation: 'query' | 'subscription'): string {
  const type = pascalCase(view.name)
  const keyed = view.keys.length > 0
  const vars = `$from: DateTime!, $to: DateTime!, $g: Granularity, $measure: ${type}Measure!, $top: Int${keyed ? `, $where: ${type}Filter, $splitBy: [${type}Key!]` : ''}`
  const args = `from: $from, to: $to, granularity: $g, measure: $measure, top: $top${keyed ? ', where: $where, splitBy: $splitBy' : ''}`
  const keys = keyed ? `keys { ${view.keys.map((k) => k.name).join(' ')} } ` : ''
  return `${operation} Chart(${vars}) { answer: ${view.name}Split(${args}) { windows granularity groupCount cutoff version series { ${keys}other total values } ${FRESHNESS} } }`
}

export function splitVariables(view: ViewMeta, resolved: ResolvedView): Record<string, unknown> {
  const variables: Record<string, unknown> = {
    from: new Date(resolved.from).toISOString(),
    to: new Date(resolved.to).toISOString(),
    g: resolved.granularity,
    measure: constantCase(resolved.measure),
    top: resolved.top,
  }
  if (view.keys.length > 0) {
    variables.where = resolved.where
    variables.splitBy = resolved.splitBy.map(constantCase)
  }
  return variables
}

/** The chart's series pushed by the server until the returned function is called. */
export function subscribeSplit(client: GraphQLClient, view: ViewMeta, resolved: ResolvedView, next: (answer: SplitAnswer) => void, error: (error: Error) => void): () => void {
  return client.subscribe<{ answer: SplitAnswer }>(splitDocument(view, 'subscription'), splitVariables(view, resolved), (data) => next(data.answer), error)
}

/** How a series is named in the legend, the table and the exports. */
export function seriesLabel(series: SplitSeries, answer: SplitAnswer, measure: string, splitBy: readonly string[]): string {
  if (series.other) return `other (${answer.groupCount - answer.series.filter((s) => !s.other).length} groups)`
  if (splitBy.length === 0) return measure
  return splitBy.map((k) => String(series.keys?.[k])).join(' · ')
}
