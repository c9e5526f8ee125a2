import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap, type GraphQLResolveInfo } from 'graphql'
import type { Scalar, ViewDef } from '@twinflow/core'
import { LiveAnswers, type LiveResult } from '../live/live-answers.ts'
import type { Granularity } from '../query/granularity.ts'
import { SeriesPlan } from '../query/series-plan.ts'
import { TopPlan } from '../query/top-plan.ts'
import type { OrderTerm, SeriesAnswer, SeriesQuery, SortDirection, ViewSelection } from '../query/view-query.ts'
import { assertCanRead } from './assert-can-read.ts'
import { GranularityEnum, SortDirectionEnum } from './common-types.ts'
import { DateTimeScalar } from './date-time-scalar.ts'
import type { ServingContext } from './serving-context.ts'
import { freshnessNeeds } from './freshness-needs.ts'
import { selectedFields } from './selected-fields.ts'
import type { ServingServices } from './serving-services.ts'
import { guarded, toGraphQLError } from './to-graphql-error.ts'
import type { Served, ViewTypes } from './view-types.ts'

type Where = Record<string, Scalar | Scalar[] | null> | null | undefined

interface SeriesArgs {
  from: number
  to: number
  granularity?: Granularity | null
  where?: Where
  orderBy?: OrderTerm[] | null
  limit?: number | null
  after?: string | null
}

interface TopArgs {
  from: number
  to: number
  by: string
  direction: SortDirection
  limit: number
  where?: Where
}

export interface ViewFields {
  query: GraphQLFieldConfig<unknown, ServingContext>
  top: GraphQLFieldConfig<unknown, ServingContext>
  subscription: GraphQLFieldConfig<unknown, ServingContext>
}

/** `{ shop: "a", statusIn: ["paid"] }` → allowed values per key (equals and in together: both must hold). */
function keyFilterOf(view: ViewDef, where: Where): Record<string, Scalar[]> {
  const filter: Record<string, Scalar[]> = {}
  for (const k of view.keys) {
    const eq = where?.[k.name]
    const anyOf = where?.[`${k.name}In`] as Scalar[] | null | undefined
    if (eq !== undefined && eq !== null) filter[k.name] = [eq as Scalar]
    if (anyOf !== undefined && anyOf !== null) filter[k.name] = filter[k.name] ? filter[k.name]!.filter((v) => anyOf.includes(v)) : [...anyOf]
  }
  return filter
}

function selection(view: ViewDef, args: { from: number; to: number; where?: Where }): ViewSelection {
  return { view: view.name, from: args.from, to: args.to, keyFilter: keyFilterOf(view, args.where) }
}

function seriesQuery(view: ViewDef, args: SeriesArgs): SeriesQuery {
  return {
    ...selection(view, args),
    granularity: args.granularity ?? undefined,
    orderBy: args.orderBy ?? [],
    limit: args.limit ?? undefined,
    after: args.after ?? null,
  }
}

/** What changes an answer for a subscriber (freshness alone does not). */
function signature(answer: SeriesAnswer): string {
  return JSON.stringify([answer.rows, answer.totalCount, answer.publication?.version ?? null, answer.publication?.cutoff ?? null])
}

/** When the query selects the answer's freshness, starts the reads it needs with the answer's own. */
function startFreshnessReads(ctx: ServingContext, info: GraphQLResolveInfo, view: string): void {
  const freshness = selectedFields(info).get('freshness')
  if (freshness) ctx.session.startFreshnessReads(view, freshnessNeeds(selectedFields(info, freshness)))
}

/** The query, top-N and subscription fields of one view. */
export function viewFields(view: ViewDef, types: ViewTypes, services: ServingServices): ViewFields {
  const range: GraphQLFieldConfigArgumentMap = {
    from: { type: new GraphQLNonNull(DateTimeScalar), description: 'Windows starting at or after this instant.' },
    to: { type: new GraphQLNonNull(DateTimeScalar), description: 'Windows starting before this instant (exclusive).' },
    ...(types.filter ? { where: { type: types.filter } } : {}),
  }
  const seriesArgs: GraphQLFieldConfigArgumentMap = {
    ...range,
    granularity: { type: GranularityEnum, description: `Bucket size: the view window (${view.window}, the default) or coarser.` },
    orderBy: { type: new GraphQLList(new GraphQLNonNull(types.order)), description: 'Sort terms in order; ties are broken by windowStart, then the keys, ascending.' },
    limit: { type: GraphQLInt, description: `Rows per page (at most ${services.limits.maxRows}; default ${services.limits.defaultRows}).` },
  }
  /** One page: the rows it needs, counted only when the query selects totalCount. */
  const read = async (session: ServingContext['session'], plan: SeriesPlan, info: GraphQLResolveInfo) => {
    const signal = (info as GraphQLResolveInfo & { signal?: AbortSignal }).signal
    const snapshot = await session.snapshot(plan.pageRead({ count: selectedFields(info).has('totalCount'), signal }))
    return { ...plan.answer(snapshot), session }
  }

  const query: GraphQLFieldConfig<unknown, ServingContext, SeriesArgs> = {
    type: new GraphQLNonNull(types.series),
    description: `View ${view.name} of stream ${view.stream.name} (window ${view.window}): batch below the cutoff merged with the speed layer above it.`,
    args: { ...seriesArgs, after: { type: GraphQLString, description: 'pageInfo.endCursor of the previous page.' } },
    resolve: (_root, args, ctx, info) =>
      guarded(() => {
        assertCanRead(ctx.principal, view.name)
        const plan = new SeriesPlan(view, seriesQuery(view, args), services.limits)
        services.onViewRead?.(view.name, 'series')
        startFreshnessReads(ctx, info, view.name)
        return read(ctx.session, plan, info)
      }),
  }

  const top: GraphQLFieldConfig<unknown, ServingContext, TopArgs> = {
    type: new GraphQLNonNull(types.top),
    description: `The groups of ${view.name} with the highest (or lowest) value of a measure, totalled over the range.`,
    args: {
      ...range,
      by: { type: new GraphQLNonNull(types.measure), description: 'The measure to rank by.' },
      direction: { type: SortDirectionEnum, defaultValue: 'DESC', description: 'DESC: highest first.' },
      limit: { type: GraphQLInt, defaultValue: 10, description: `How many groups (at most ${services.limits.maxRows}).` },
    },
    resolve: (_root, args, ctx, info) =>
      guarded(async () => {
        assertCanRead(ctx.principal, view.name)
        const plan = new TopPlan(view, { ...selection(view, args), by: args.by, direction: args.direction, limit: args.limit }, services.limits)
        services.onViewRead?.(view.name, 'top')
        startFreshnessReads(ctx, info, view.name)
        const snapshot = await ctx.session.snapshot({ view: view.name, from: args.from, to: args.to, bucket: plan.bucketing, keys: plan.keys })
        return { ...plan.answer(snapshot), session: ctx.session }
      }),
  }

  const subscription: GraphQLFieldConfig<LiveResult<Served<SeriesAnswer>>, ServingContext, SeriesArgs> = {
    type: new GraphQLNonNull(types.series),
    description: `The first page of ${view.name} for these arguments, pushed again each time the speed layer or a batch run changes it.`,
    args: seriesArgs,
    subscribe: (_root, args, ctx, info) =>
      guarded(() => {
        assertCanRead(ctx.principal, view.name)
        const plan = new SeriesPlan(view, seriesQuery(view, { ...args, after: null }), services.limits)
        if (services.feed.size >= services.limits.maxSubscriptions) {
          throw new GraphQLError(`this server already has ${services.limits.maxSubscriptions} subscriptions open; retry later`, {
            extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', retriable: true },
          })
        }
        services.onSubscriptions?.(1)
        return new LiveAnswers(
          services.feed,
          view.name,
          () => {
            services.onViewRead?.(view.name, 'live')
            return read(services.newSession(), plan, info)
          },
          signature,
          () => services.onSubscriptions?.(-1),
        )
      }),
    resolve: (result) => {
      if ('error' in result) throw toGraphQLError(result.error)
      return result.answer
    },
  }
  return { query, top, subscription } as ViewFields
}
