import { VIEWS_QUERY } from '../../src/views-query.ts'
import type { GraphQLClient } from './graphql-client.ts'

export type ValueType = 'STRING' | 'INT' | 'FLOAT' | 'BOOLEAN' | 'TIME'

/** A view as `pipeline { views }` describes it (only the views the caller may read). */
export interface ViewMeta {
  name: string
  stream: string
  window: string
  granularities: string[]
  keys: { name: string; type: ValueType }[]
  measures: { name: string; kind: 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG'; type: ValueType }[]
}

export async function loadViews(client: GraphQLClient): Promise<ViewMeta[]> {
  const data = await client.query<{ pipeline: { views: ViewMeta[] } }>(VIEWS_QUERY)
  return data.pipeline.views
}
