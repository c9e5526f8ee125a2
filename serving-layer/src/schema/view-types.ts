import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLNullableType,
  type GraphQLResolveInfo,
  type GraphQLScalarType,
} from 'graphql'
import { TwinflowError, type ValueKind, type ViewDef } from '@twinflow/core'
import type { AnswerSource, SeriesAnswer, SplitAnswer, SplitSeries, TopAnswer } from '../query/view-query.ts'
import type { ReadSession } from '../read/read-session.ts'
import { FreshnessType, GranularityEnum, PageInfoType, SortDirectionEnum } from './common-types.ts'
import { constantCase, pascalCase } from './constant-case.ts'
import { DateTimeScalar } from './date-time-scalar.ts'
import { freshnessNeeds } from './freshness-needs.ts'
import { selectedFields } from './selected-fields.ts'

/** An answer with the session that read it (its freshness is read in the same session). */
export type Served<T> = T & { session: ReadSession }

export interface ViewTypes {
  /** A bucket of one group: windowStart, keys, measures. */
  row: GraphQLObjectType
  /** A group's totals over a range (top-N): keys, measures. */
  total: GraphQLObjectType
  /** Equality and membership filters on keys; null for a view without keys. */
  filter: GraphQLInputObjectType | null
  /** What rows can be ordered by. */
  order: GraphQLInputObjectType
  measure: GraphQLEnumType
  /** The view's keys, for `splitBy`; null for a view without keys. */
  key: GraphQLEnumType | null
  series: GraphQLObjectType<Served<SeriesAnswer>>
  top: GraphQLObjectType<Served<TopAnswer>>
  split: GraphQLObjectType<Served<SplitAnswer>>
}

const nn = <T extends GraphQLNullableType>(t: T) => new GraphQLNonNull(t)

/** Integers are exposed as Float: GraphQL's Int is 32-bit, Twinflow's integers are exact to 2^53. */
export function scalarOf(kind: ValueKind): GraphQLScalarType {
  return kind === 'string' ? GraphQLString : kind === 'bool' ? GraphQLBoolean : kind === 'time' ? DateTimeScalar : GraphQLFloat
}

function enumValues(view: ViewDef, names: readonly string[]): Record<string, { value: string }> {
  const values: Record<string, { value: string }> = {}
  for (const name of names) {
    const constant = constantCase(name)
    if (values[constant]) {
      throw new TwinflowError('config', `view "${view.name}": "${values[constant].value}" and "${name}" both become ${constant} in GraphQL; rename one`)
    }
    values[constant] = { value: name }
  }
  return values
}

/** The GraphQL types of one view, generated from its declaration. */
export function viewTypes(view: ViewDef): ViewTypes {
  const name = pascalCase(view.name)
  const measureFields: GraphQLFieldConfigMap<unknown, unknown> = {}
  for (const m of view.measures) {
    if (m.measure.quantiles) {
      // An object of the measure's quantiles, each null when the group has no value.
      const quantiles = new GraphQLObjectType({
        name: `${name}${pascalCase(m.name)}Quantiles`,
        description: `Quantiles of ${m.name}, each within the sketch's relative error of the exact value of its rank.`,
        fields: Object.fromEntries(m.measure.quantiles.map(({ q, name: field }) => [field, { type: GraphQLFloat, description: `The ${q} quantile.` }])),
      })
      measureFields[m.name] = { type: nn(quantiles), description: 'quantiles of an expression (a mergeable relative-error sketch)' }
      continue
    }
    const what = m.measure.kind === 'distinct' ? 'distinct values of an expression (a HyperLogLog estimate)' : `${m.measure.kind}${m.measure.arg ? ' of an expression' : ''}`
    const description = `${what} (${m.measure.resultType}${m.measure.nullable ? '; null when every value is null' : ''})`
    measureFields[m.name] = { type: m.measure.nullable ? GraphQLFloat : nn(GraphQLFloat), description }
    // A sampled view: a count or sum of the sample, divided by the rate, estimates the whole.
    const sample = view.sample
    if (sample !== null && (m.measure.kind === 'count' || m.measure.kind === 'sum')) {
      const estimate = `${m.name}Estimate`
      if (view.measures.some((other) => other.name === estimate) || view.keys.some((k) => k.name === estimate)) {
        throw new TwinflowError('config', `view "${view.name}": "${estimate}" clashes with the estimate of sampled measure "${m.name}"; rename it`)
      }
      measureFields[estimate] = {
        type: m.measure.nullable ? GraphQLFloat : nn(GraphQLFloat),
        description: `${m.name} ÷ the sample rate ${sample.rate}: an estimate of the ${m.measure.kind} over every event`,
        resolve: (row: unknown) => {
          const value = (row as Record<string, unknown>)[m.name]
          return value === null ? null : (value as number) / sample.rate
        },
      }
    }
  }
  // Quantile values are objects: they order nothing and rank no top-N.
  const orderable = view.measures.filter((m) => m.measure.finalizeSql !== null).map((m) => m.name)
  const keyFields: GraphQLFieldConfigMap<unknown, unknown> = {}
  for (const k of view.keys)
    keyFields[k.name] = k.nullable
      ? { type: scalarOf(k.type), description: `key (${k.type}, null for events where it is null)` }
      : { type: nn(scalarOf(k.type)), description: `key (${k.type})` }
  const row = new GraphQLObjectType({
    name: `${name}Row`,
    description: `One ${view.window} (or coarser) bucket of one group of view ${view.name}.`,
    fields: { windowStart: { type: nn(DateTimeScalar), description: 'Start of the bucket (UTC).' }, ...keyFields, ...measureFields },
  })
  const total = new GraphQLObjectType({ name: `${name}Total`, description: `A group of view ${view.name}, totalled over a range.`, fields: { ...keyFields, ...measureFields } })

  const filterFields: GraphQLInputFieldConfigMap = {}
  for (const k of view.keys) {
    if (`${k.name}In` in filterFields || view.keys.some((other) => other.name === `${k.name}In`)) {
      throw new TwinflowError('config', `view "${view.name}": key "${k.name}In" clashes with the "in" filter of key "${k.name}"; rename it`)
    }
    filterFields[k.name] = { type: scalarOf(k.type), description: `${k.name} equals` }
    filterFields[`${k.name}In`] = { type: new GraphQLList(nn(scalarOf(k.type))), description: `${k.name} is one of` }
  }
  const filter = view.keys.length > 0 ? new GraphQLInputObjectType({ name: `${name}Filter`, description: 'All conditions must hold.', fields: filterFields }) : null

  const fieldEnum = new GraphQLEnumType({
    name: `${name}Field`,
    description: `What rows of ${view.name} can be ordered by.`,
    values: enumValues(view, ['windowStart', ...view.keys.map((k) => k.name), ...orderable]),
  })
  const measure = new GraphQLEnumType({
    name: `${name}Measure`,
    values: enumValues(view, orderable),
  })
  const key =
    view.keys.length > 0
      ? new GraphQLEnumType({
          name: `${name}Key`,
          values: enumValues(
            view,
            view.keys.map((k) => k.name),
          ),
        })
      : null
  const order = new GraphQLInputObjectType({
    name: `${name}Order`,
    fields: { field: { type: nn(fieldEnum) }, direction: { type: SortDirectionEnum, defaultValue: 'ASC' } },
  })

  const provenance = {
    cutoff: {
      type: DateTimeScalar,
      description: 'Windows before it come from the batch version, the rest from the speed layer.',
      resolve: (a: Served<AnswerSource>) => a.publication?.cutoff ?? null,
    },
    version: { type: GraphQLInt, description: 'The batch version used, if any was published.', resolve: (a: Served<AnswerSource>) => a.publication?.version ?? null },
    sampleRate: {
      type: nn(GraphQLFloat),
      description:
        view.sample === null
          ? 'The share of events counted: 1 (this view counts every event).'
          : `The share of the values of the view's sample key counted (${view.sample.rate}): counts and sums are of the sample; divide them by it for estimates of the whole.`,
      resolve: () => view.sample?.rate ?? 1,
    },
    freshness: {
      type: nn(FreshnessType),
      resolve: (a: Served<AnswerSource>, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => a.session.freshness(a, freshnessNeeds(selectedFields(info))),
    },
  }
  const series = new GraphQLObjectType<Served<SeriesAnswer>>({
    name: `${name}Result`,
    fields: {
      rows: { type: nn(new GraphQLList(nn(row))) },
      totalCount: { type: nn(GraphQLInt), description: 'Rows of the whole answer, on every page.' },
      pageInfo: { type: nn(PageInfoType) },
      granularity: { type: nn(GranularityEnum) },
      ...provenance,
    },
  })
  const top = new GraphQLObjectType<Served<TopAnswer>>({
    name: `${name}TopResult`,
    fields: {
      rows: { type: nn(new GraphQLList(nn(total))), description: 'Best first.' },
      from: { type: nn(DateTimeScalar) },
      to: { type: nn(DateTimeScalar) },
      by: { type: nn(measure) },
      direction: { type: nn(SortDirectionEnum) },
      ...provenance,
    },
  })
  // A view without keys has one group: no `keys` field (a type without fields is not valid GraphQL).
  const groupKeys: GraphQLFieldConfigMap<SplitSeries, unknown> =
    view.keys.length === 0
      ? {}
      : {
          keys: {
            type: nn(
              new GraphQLObjectType({
                name: `${name}GroupKeys`,
                description: `The keys of a group of a split of ${view.name}: those it was split by (the others are null).`,
                fields: Object.fromEntries(view.keys.map((k) => [k.name, { type: scalarOf(k.type) }])),
              }),
            ),
            description: 'The keys of the group; all null for `other`.',
          },
        }
  const splitSeries = new GraphQLObjectType<SplitSeries>({
    name: `${name}SplitSeries`,
    fields: {
      ...groupKeys,
      other: { type: nn(GraphQLBoolean), description: 'The groups left out of the top, merged.' },
      total: { type: GraphQLFloat, description: 'The measure over the whole range.' },
      values: { type: nn(new GraphQLList(GraphQLFloat)), description: 'The measure per window of `windows`; null where the group has no row.' },
    },
  })
  const split = new GraphQLObjectType<Served<SplitAnswer>>({
    name: `${name}SplitResult`,
    description: `A series of ${view.name} rolled up for a chart: the top groups by a measure, and the others merged.`,
    fields: {
      windows: { type: nn(new GraphQLList(nn(DateTimeScalar))), description: 'Bucket starts with a row of any group, ascending.' },
      series: { type: nn(new GraphQLList(nn(splitSeries))), description: 'The top groups best first, then `other` when groups were left out.' },
      groupCount: { type: nn(GraphQLInt), description: 'Groups before the cut to `top`.' },
      measure: { type: nn(measure) },
      splitBy: { type: nn(new GraphQLList(nn(GraphQLString))) },
      granularity: { type: nn(GranularityEnum) },
      ...provenance,
    },
  })
  return { row, total, filter, order, measure, key, series, top, split }
}
