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
 *   `<view>Top` (top-N groups by a measure), each with its freshness; `pipeline` (introspection).
 * - Subscription: per view `<view>`, pushed as the speed layer or a batch run changes it.
 * A name clash (a view named like a built-in field, or `xTop` next to `x`) is a `config` error.
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
    // A top-N ranks by a measure: a view of quantiles alone has none to rank by.
    if (view.measures.some((m) => m.measure.resultType !== 'quantiles')) query[`${view.name}Top`] = fields.top
    subscription[view.name] = fields.subscription
  }
  try {
    return new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: query }),
      subscription: Object.keys(subscription).length > 0 ? new GraphQLObjectType({ name: 'Subscription', fields: subscription }) : undefined,
    })
  } catch (error) {
    throw new TwinflowError('config', `the views do not make a valid GraphQL schema: ${(error as Error).message}`, { cause: error })
  }
}
