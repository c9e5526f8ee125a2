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

const QUERY = `{ pipeline { views { name stream window granularities keys { name type } measures { name kind type } } } }`

export async function loadViews(client: GraphQLClient): Promise<ViewMeta[]> {
  const data = await client.query<{ pipeline: { views: ViewMeta[] } }>(QUERY)
  return data.pipeline.views
}
