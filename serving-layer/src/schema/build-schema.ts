import { mapResolverErrors } from './map-resolver-errors.ts'
import { GraphQLObjectType, GraphQLSchema, type GraphQLFieldConfig } from 'graphql'
import { TwinflowError } from '@twinflow/core'
import { pipelineField } from './pipeline-fields.ts'
import type { ServingContext } from './serving-context.ts'
import type { ServingServices } from './serving-services.ts'
import { viewFields } from './view-fields.ts'
import { viewTypes } from './view-types.ts'

type Fields = Record<string, GraphQLFieldConfig<unknown, ServingContext>>

/**
 * The GraphQL schema of a pipeline, generated from its view declarations:
 * - Query: per view `<view>` (a time series: filters, range, granularity, order, cursor pages) and
 *   `<view>Top` (top-N groups by a measure), `<view>Split` (a measure per bucket for the top groups
 *   and the rest merged, for charts), each with its freshness; `pipeline` (introspection).
 * - Subscription: per view `<view>` and `<view>Split`, pushed as the speed layer or a batch run changes it.
 * A name clash (a view named like a built-in field, or `xTop` or `xSplit` next to `x`) is a `config` error.
 */
export function buildSchema(services: ServingServices): GraphQLSchema {
  const query: Fields = { pipeline: pipelineField(services) }
  const subscription: Fields = {}
  const claim = (name: string, what: string) => {
    if (name in query) throw new TwinflowError('config', `the GraphQL field "${name}" of ${what} clashes with another field; rename the view`)
  }
  for (const view of services.pipeline.views) {
    const fields = viewFields(view, viewTypes(view), services)
    claim(view.name, `view "${view.name}"`)
    query[view.name] = fields.query
    claim(`${view.name}Top`, `view "${view.name}"`)
    claim(`${view.name}Split`, `view "${view.name}"`)
    // A top-N and a split rank by a measure that can order rows: a view of sketch measures alone has none.
    if (view.measures.some((m) => m.measure.finalizeSql !== null)) {
      query[`${view.name}Top`] = fields.top
      query[`${view.name}Split`] = fields.split
      subscription[`${view.name}Split`] = fields.splitSubscription
    }
    subscription[view.name] = fields.subscription
  }
  try {
    return mapResolverErrors(
      new GraphQLSchema({
        query: new GraphQLObjectType({ name: 'Query', fields: query }),
        subscription: Object.keys(subscription).length > 0 ? new GraphQLObjectType({ name: 'Subscription', fields: subscription }) : undefined,
      }),
    )
  } catch (error) {
    throw new TwinflowError('config', `the views do not make a valid GraphQL schema: ${(error as Error).message}`, { cause: error })
  }
}
