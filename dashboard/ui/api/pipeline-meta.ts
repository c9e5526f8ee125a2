import { VIEWS_QUERY } from '../../src/views-query.ts'
import type { GraphQLClient } from './graphql-client.ts'

export type ValueType = 'STRING' | 'INT' | 'FLOAT' | 'BOOLEAN' | 'TIME' | 'QUANTILES'
type MeasureKind = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'DISTINCT' | 'QUANTILES'

/** A view as `pipeline { views }` describes it (only the views the caller may read). */
export interface ViewMeta {
  name: string
  stream: string
  window: string
  granularities: string[]
  keys: { name: string; type: ValueType }[]
  /** The measures the dashboard charts and tables: those that rank (`<view>Top`, `<view>Split`). */
  measures: { name: string; kind: Exclude<MeasureKind, 'DISTINCT' | 'QUANTILES'>; type: ValueType }[]
}

/**
 * The views as the dashboard shows them: sketch measures (distinct, quantiles) left out, as the
 * API ranks and charts none of them, and views left without a measure dropped.
 */
export function chartableViews(views: readonly (Omit<ViewMeta, 'measures'> & { measures: { name: string; kind: MeasureKind; type: ValueType }[] })[]): ViewMeta[] {
  return views
    .map((view) => ({ ...view, measures: view.measures.filter((m): m is ViewMeta['measures'][number] => m.kind !== 'DISTINCT' && m.kind !== 'QUANTILES') }))
    .filter((view) => view.measures.length > 0)
}

export async function loadViews(client: GraphQLClient): Promise<ViewMeta[]> {
  const data = await client.query<{ pipeline: { views: Parameters<typeof chartableViews>[0] } }>(VIEWS_QUERY)
  return chartableViews(data.pipeline.views)
}
