import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
} from 'graphql'
import { WINDOW_SIZES, type Pipeline, type Scalar, type ValueKind, type ViewDef, type WindowSize } from '@twinflow/core'
import { DateTimeScalar } from './date-time-scalar'
import { GRANULARITY_NAMES, granularitiesOf } from './granularity'
import { toGraphQLError } from './to-graphql-error'
import type { ViewReader } from './view-reader'

const nn = <T extends GraphQLOutputType | GraphQLInputType>(t: T) => new GraphQLNonNull(t)
const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1)

/** Integers are exposed as Float: GraphQL's Int is 32-bit, Twinflow's integers are 53-bit safe. */
function scalarOf(kind: ValueKind): GraphQLScalarType {
  return kind === 'string' ? GraphQLString : kind === 'bool' ? GraphQLBoolean : kind === 'time' ? DateTimeScalar : GraphQLFloat
}

const Granularity = new GraphQLEnumType({
  name: 'Granularity',
  description: 'Size of the time buckets of an answer; at least the view window.',
  values: Object.fromEntries(WINDOW_SIZES.map((w) => [GRANULARITY_NAMES[w], { value: w, description: `${w} buckets (UTC)` }])),
})

const ViewInfo = new GraphQLObjectType<ViewDef>({
  name: 'ViewInfo',
  fields: {
    name: { type: nn(GraphQLString) },
    stream: { type: nn(GraphQLString), resolve: (v) => v.stream.name },
    window: { type: nn(Granularity) },
    granularities: { type: nn(new GraphQLList(nn(Granularity))), resolve: (v) => granularitiesOf(v) },
    keys: { type: nn(new GraphQLList(nn(GraphQLString))), resolve: (v) => v.keys.map((k) => k.name) },
    measures: { type: nn(new GraphQLList(nn(GraphQLString))), resolve: (v) => v.measures.map((m) => `${m.name}: ${m.measure.kind}`) },
    allowedLatenessMs: { type: nn(GraphQLFloat) },
  },
})

function viewField(view: ViewDef, reader: ViewReader): GraphQLFieldConfig<unknown, unknown> {
  const name = pascal(view.name)
  const rowFields: Record<string, { type: GraphQLOutputType; description?: string }> = { windowStart: { type: nn(DateTimeScalar) } }
  for (const k of view.keys) rowFields[k.name] = { type: nn(scalarOf(k.type)) }
  for (const m of view.measures) rowFields[m.name] = { type: nn(GraphQLFloat), description: `${m.measure.kind}` }
  const Row = new GraphQLObjectType({ name: `${name}Row`, fields: rowFields })
  const filterFields: Record<string, { type: GraphQLInputType; description: string }> = {}
  for (const k of view.keys) {
    filterFields[k.name] = { type: scalarOf(k.type), description: `${k.name} equals` }
    filterFields[`${k.name}In`] = { type: new GraphQLList(nn(scalarOf(k.type))), description: `${k.name} is one of` }
  }
  const Filter = view.keys.length ? new GraphQLInputObjectType({ name: `${name}Filter`, fields: filterFields }) : null
  const Result = new GraphQLObjectType({
    name: `${name}Result`,
    fields: {
      rows: { type: nn(new GraphQLList(nn(Row))) },
      cutoff: { type: DateTimeScalar, description: 'Windows before it come from the batch version, the rest from the speed layer.' },
      version: { type: GraphQLInt, description: 'The batch version used, if any was published.' },
      granularity: { type: nn(Granularity) },
    },
  })
  return {
    type: nn(Result),
    description: `View ${view.name} over stream ${view.stream.name}, window ${view.window}.`,
    args: {
      from: { type: nn(DateTimeScalar), description: 'Inclusive start.' },
      to: { type: nn(DateTimeScalar), description: 'Exclusive end.' },
      granularity: { type: Granularity, description: `Defaults to the view window (${view.window}).` },
      ...(Filter ? { where: { type: Filter } } : {}),
    },
    resolve: async (_root, args: { from: number; to: number; granularity?: WindowSize; where?: Record<string, Scalar | Scalar[] | null> }) => {
      const keyFilter: Record<string, Scalar[]> = {}
      for (const k of view.keys) {
        const eq = args.where?.[k.name]
        const anyOf = args.where?.[`${k.name}In`]
        if (eq !== undefined && eq !== null) keyFilter[k.name] = [eq as Scalar]
        if (anyOf !== undefined && anyOf !== null) {
          const values = anyOf as Scalar[]
          keyFilter[k.name] = keyFilter[k.name] ? values.filter((v) => keyFilter[k.name]!.includes(v)) : values
        }
      }
      try {
        return await reader.read({ view: view.name, from: args.from, to: args.to, granularity: args.granularity ?? undefined, keyFilter })
      } catch (error) {
        throw toGraphQLError(error)
      }
    },
  }
}

/** The GraphQL schema of a pipeline: one query per view, plus `views` to introspect them. */
export function buildSchema(pipeline: Pipeline, reader: ViewReader): GraphQLSchema {
  const fields: Record<string, GraphQLFieldConfig<unknown, unknown>> = {
    views: { type: nn(new GraphQLList(nn(ViewInfo))), description: 'The declared views.', resolve: () => pipeline.views },
  }
  for (const view of pipeline.views) {
    if (view.name in fields) throw new Error(`view name "${view.name}" clashes with a built-in query`)
    fields[view.name] = viewField(view, reader)
  }
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields }) })
}
