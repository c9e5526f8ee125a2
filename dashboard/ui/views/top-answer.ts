import type { GraphQLClient } from '../api/graphql-client.ts'
import { constantCase, pascalCase } from '../api/graphql-names.ts'
import type { ViewMeta } from '../api/pipeline-meta.ts'
import type { ResolvedView } from './view-state.ts'

export type TopRow = Record<string, string | number | boolean | null>

/** How many groups the table lists. */
export const TOP_ROWS = 20

/** `<view>Top`: the groups ranked by the charted measure over the range, with every measure. */
export async function loadTop(client: GraphQLClient, view: ViewMeta, resolved: ResolvedView, signal: AbortSignal): Promise<TopRow[]> {
  const type = pascalCase(view.name)
  const keyed = view.keys.length > 0
  const fields = [...view.keys.map((k) => k.name), ...view.measures.map((m) => m.name)].join(' ')
  const query = `query Top($from: DateTime!, $to: DateTime!, $by: ${type}Measure!, $limit: Int${keyed ? `, $where: ${type}Filter` : ''}) {
    top: ${view.name}Top(from: $from, to: $to, by: $by, limit: $limit${keyed ? ', where: $where' : ''}) { rows { ${fields} } }
  }`
  const variables: Record<string, unknown> = {
    from: new Date(resolved.from).toISOString(),
    to: new Date(resolved.to).toISOString(),
    by: constantCase(resolved.measure),
    limit: TOP_ROWS,
  }
  if (keyed) variables.where = resolved.where
  const data = await client.query<{ top: { rows: TopRow[] } }>(query, variables, signal)
  return data.top.rows
}
