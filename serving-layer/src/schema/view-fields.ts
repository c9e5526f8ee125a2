import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLString, type GraphQLFieldConfig, type GraphQLFieldConfigArgumentMap, type GraphQLResolveInfo } from 'graphql'
import type { Scalar, ViewDef } from '@twinflow/core'
import { LiveAnswers, type LiveResult } from '../live/live-answers.ts'
import type { Granularity } from '../query/granularity.ts'
import { SeriesPlan } from '../query/series-plan.ts'
import { MAX_SPLIT_TOP, SplitPlan } from '../query/split-plan.ts'
import { TopPlan } from '../query/top-plan.ts'
import type { OrderTerm, SeriesAnswer, SeriesQuery, SortDirection, SplitAnswer, SplitQuery, ViewSelection } from '../query/view-query.ts'
import { assertCanRead } from './assert-can-read.ts'
import { GranularityEnum, SortDirectionEnum } from './common-types.ts'
import { DateTimeScalar } from './date-time-scalar.ts'
import type { ServingContext } from './serving-context.ts'
import { freshnessNeeds } from './freshness-needs.ts'
import { selectedFields } from './selected-fields.ts'
import type { ServingServices } from './serving-services.ts'
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

interface SplitArgs {
  from: number
  to: number
  granularity?: Granularity | null
  where?: Where
  measure: string
  splitBy?: string[] | null
  top: number
  direction: SortDirection
}

export interface ViewFields {
  query: GraphQLFieldConfig<unknown, ServingContext>
  top: GraphQLFieldConfig<unknown, ServingContext>
  subscription: GraphQLFieldConfig<unknown, ServingContext>
  /** `<view>Split`, as a query and as a subscription. */
  split: GraphQLFieldConfig<unknown, ServingContext>
  splitSubscription: GraphQLFieldConfig<unknown, ServingContext>
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

function splitQuery(view: ViewDef, args: SplitArgs): SplitQuery {
  return {
    ...selection(view, args),
    granularity: args.granularity ?? undefined,
    measure: args.measure,
    splitBy: args.splitBy ?? undefined,
    top: args.top,
    direction: args.direction,
  }
}

/** What changes an answer for a subscriber (freshness alone does not). */
function signature(answer: SeriesAnswer): string {
  return JSON.stringify([answer.rows, answer.totalCount, answer.publication?.version ?? null, answer.publication?.cutoff ?? null])
}

function splitSignature(answer: SplitAnswer): string {
  return JSON.stringify([answer.windows, answer.series, answer.publication?.version ?? null, answer.publication?.cutoff ?? null])
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
    resolve: (_root, args, ctx, info) => {
      assertCanRead(ctx.principal, view.name)
      const plan = new SeriesPlan(view, seriesQuery(view, args), services.limits)
      services.onViewRead?.(view.name, 'series')
      startFreshnessReads(ctx, info, view.name)
      return read(ctx.session, plan, info)
    },
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
    resolve: async (_root, args, ctx, info) => {
      assertCanRead(ctx.principal, view.name)
      const plan = new TopPlan(view, { ...selection(view, args), by: args.by, direction: args.direction, limit: args.limit }, services.limits)
      services.onViewRead?.(view.name, 'top')
      startFreshnessReads(ctx, info, view.name)
      const snapshot = await ctx.session.snapshot({ view: view.name, from: args.from, to: args.to, bucket: plan.bucketing, keys: plan.keys })
      return { ...plan.answer(snapshot), session: ctx.session }
    },
  }

  /** Answers pushed each time the change feed says the view changed and the answer differs (the caller checked its plan). */
  const live = <T>(readAnswer: (session: ServingContext['session']) => Promise<T>, sign: (answer: T) => string) => {
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
        return readAnswer(services.newSession())
      },
      sign,
      () => services.onSubscriptions?.(-1),
    )
  }
  const pushed = <T>(result: LiveResult<T>): T => {
    if ('error' in result) throw result.error
    return result.answer
  }

  const subscription: GraphQLFieldConfig<LiveResult<Served<SeriesAnswer>>, ServingContext, SeriesArgs> = {
    type: new GraphQLNonNull(types.series),
    description: `The first page of ${view.name} for these arguments, pushed again each time the speed layer or a batch run changes it.`,
    args: seriesArgs,
    subscribe: (_root, args, ctx, info) => {
      assertCanRead(ctx.principal, view.name)
      const plan = new SeriesPlan(view, seriesQuery(view, { ...args, after: null }), services.limits)
      return live((session) => read(session, plan, info), signature)
    },
    resolve: pushed,
  }

  const splitArgs: GraphQLFieldConfigArgumentMap = {
    ...range,
    granularity: seriesArgs.granularity!,
    measure: { type: new GraphQLNonNull(types.measure), description: 'The measure charted, and ranked by.' },
    ...(types.key
      ? {
          splitBy: {
            type: new GraphQLList(new GraphQLNonNull(types.key)),
            description: 'The keys that make a group (the others are merged); [] for the total. Default: every key.',
          },
        }
      : {}),
    top: { type: GraphQLInt, defaultValue: 10, description: `How many groups get a series of their own (at most ${MAX_SPLIT_TOP}); the rest are merged into \`other\`.` },
    direction: { type: SortDirectionEnum, defaultValue: 'DESC', description: 'DESC: the groups with the highest totals.' },
  }
  const readSplit = async (session: ServingContext['session'], plan: SplitPlan) => {
    const snapshot = await session.snapshot({ view: view.name, from: plan.query.from, to: plan.query.to, bucket: plan.bucketing, keys: plan.keys })
    return { ...plan.answer(snapshot), session }
  }
  const split: GraphQLFieldConfig<unknown, ServingContext, SplitArgs> = {
    type: new GraphQLNonNull(types.split),
    description: `${view.name} rolled up for a chart: one measure per bucket for the top groups of the split keys, and the other groups merged, with the measure's monoid.`,
    args: splitArgs,
    resolve: (_root, args, ctx, info) => {
      assertCanRead(ctx.principal, view.name)
      const plan = new SplitPlan(view, splitQuery(view, args), services.limits)
      services.onViewRead?.(view.name, 'split')
      startFreshnessReads(ctx, info, view.name)
      return readSplit(ctx.session, plan)
    },
  }
  const splitSubscription: GraphQLFieldConfig<LiveResult<Served<SplitAnswer>>, ServingContext, SplitArgs> = {
    type: new GraphQLNonNull(types.split),
    description: `${view.name}Split for these arguments, pushed again each time the speed layer or a batch run changes it.`,
    args: splitArgs,
    subscribe: (_root, args, ctx) => {
      assertCanRead(ctx.principal, view.name)
      const plan = new SplitPlan(view, splitQuery(view, args), services.limits)
      return live((session) => readSplit(session, plan), splitSignature)
    },
    resolve: pushed,
  }
  return { query, top, subscription, split, splitSubscription } as ViewFields
}
