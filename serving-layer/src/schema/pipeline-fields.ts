import { GraphQLError, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from 'graphql'
import type { BatchRun, BatchRunStatus, ViewDef } from '@twinflow/core'
import { canRead, type Principal } from '../auth/principal.ts'
import { checkCount } from '../query/check-selection.ts'
import { assertCanRead } from './assert-can-read.ts'
import { BatchRunStatusEnum, BatchRunType, DeadLetterCountType, streamInfoType, viewInfoType, type DeadLetterCount, type StreamEntry } from './pipeline-types.ts'
import { AlertRuleType, AlertStateEnum, type AlertEntry } from './alert-types.ts'
import { RejectedInputPageType } from './rejected-input-types.ts'
import { reportInfoType } from './report-types.ts'
import type { ServingContext } from './serving-context.ts'
import type { ServingServices } from './serving-services.ts'

const MAX_RUNS = 1000
/** Most dead letters `recentDeadLetters` returns (what a queue keeps may be fewer). */
const MAX_RECENT_LETTERS = 100

/**
 * `pipeline`: introspection of the pipeline itself, limited to the views the caller may read: the
 * views with their keys, measures, windows, batch versions, run history and freshness; the streams
 * with their dead-letter counts, rates, lag per partition and newest dead letters; the batch run
 * history of every view; the alert rules of those views with their groups' states.
 */
export function pipelineField(services: ServingServices): GraphQLFieldConfig<unknown, ServingContext> {
  const { pipeline, batch, deadLetters } = services
  const visibleViews = (p: Principal) => pipeline.views.filter((v) => canRead(p, v.name))
  const runsOf = (view: ViewDef, limit: number) => batch.runs(view.name, checkCount('limit', limit, MAX_RUNS))
  const ViewInfo = viewInfoType(runsOf)
  const ReportInfo = reportInfoType({
    channels: (report) => services.reportChannels?.(report) ?? report.channels,
    runs: (report, limit) => batch.reportRuns(report.name, checkCount('limit', limit, MAX_RUNS)),
  })
  const StreamInfoType = streamInfoType({
    stats: services.streams,
    recentDeadLetters: async (stream, limit) => (await deadLetters.read({ stream, limit: checkCount('limit', limit, MAX_RECENT_LETTERS) })).letters,
  })

  /**
   * Per stream and stage. The archiver's count comes from the master table (durable, the same from
   * every process); other stages (speed, ...) are what this process's dead-letter queue counted.
   */
  const deadLetterCounts = async (p: Principal): Promise<DeadLetterCount[]> => {
    const streams = pipeline.streams.filter((s) => p.views === 'all' || visibleViews(p).some((v) => v.stream === s)).map((s) => s.name)
    const archived = await Promise.all(streams.map(async (stream) => ({ stream, stage: 'archiver', count: await batch.rejectedCount(stream) })))
    const counts: DeadLetterCount[] = archived.filter((c) => c.count > 0)
    for (const [key, count] of deadLetters.counts()) {
      const slash = key.indexOf('/')
      const stream = slash < 0 ? key : key.slice(0, slash)
      const stage = slash < 0 ? '' : key.slice(slash + 1)
      if (stage !== 'archiver' && streams.includes(stream)) counts.push({ stream, stage, count })
    }
    return counts.sort((a, b) => (a.stream + a.stage < b.stream + b.stage ? -1 : 1))
  }

  const Pipeline = new GraphQLObjectType<unknown, ServingContext>({
    name: 'Pipeline',
    description: 'The pipeline behind this API (only the views you may read).',
    fields: {
      views: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ViewInfo))), resolve: (_p, _a, ctx) => visibleViews(ctx.principal) },
      view: {
        type: ViewInfo,
        args: { name: { type: new GraphQLNonNull(GraphQLString) } },
        resolve: (_p, args: { name: string }, ctx) => {
          const view = pipeline.view(args.name)
          assertCanRead(ctx.principal, view.name)
          return view
        },
      },
      streams: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(StreamInfoType))),
        resolve: async (_p, _a, ctx): Promise<StreamEntry[]> => {
          const views = visibleViews(ctx.principal)
          const counts = await deadLetterCounts(ctx.principal)
          return pipeline.streams
            .filter((s) => ctx.principal.views === 'all' || views.some((v) => v.stream === s))
            .map((stream) => ({ stream, views: views.filter((v) => v.stream === stream).map((v) => v.name), deadLetters: counts.filter((c) => c.stream === stream.name) }))
        },
      },
      reports: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ReportInfo))),
        description: 'The scheduled reports whose views you may all read, with their last runs.',
        resolve: (_p, _a, ctx) => pipeline.reports.filter((r) => r.views.every((q) => canRead(ctx.principal, q.view.name))),
      },
      batchRuns: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(BatchRunType))),
        description: 'The newest batch runs, newest first.',
        args: { view: { type: GraphQLString }, status: { type: BatchRunStatusEnum }, limit: { type: GraphQLInt, defaultValue: 20 } },
        resolve: async (_p, args: { view?: string | null; status?: BatchRunStatus | null; limit: number }, ctx) => {
          const limit = checkCount('limit', args.limit, MAX_RUNS)
          let runs: BatchRun[]
          if (args.view) {
            assertCanRead(ctx.principal, pipeline.view(args.view).name)
            runs = await batch.runs(args.view, args.status ? MAX_RUNS : limit)
          } else if (ctx.principal.views === 'all') {
            runs = await batch.runs(null, args.status ? MAX_RUNS : limit)
          } else {
            const perView = await Promise.all(visibleViews(ctx.principal).map((v) => batch.runs(v.name, args.status ? MAX_RUNS : limit)))
            runs = perView.flat().sort((a, b) => b.startedAt - a.startedAt)
          }
          return runs.filter((r) => !args.status || r.status === args.status).slice(0, limit)
        },
      },
      rejectedInputs: {
        type: new GraphQLNonNull(RejectedInputPageType),
        description:
          "A stream's rejected inputs, newest first, from what the dead-letter queue keeps for reading (the newest ones; see the queue's plugin), with their reasons: the stream's own rejections (stage archiver), a view's (speed), a load's or a source's.",
        args: {
          stream: { type: new GraphQLNonNull(GraphQLString) },
          stage: { type: GraphQLString },
          reason: { type: GraphQLString, description: 'Only the reasons that start with this, e.g. "schema" or "future".' },
          limit: { type: GraphQLInt, defaultValue: 20 },
          after: { type: GraphQLString, description: "The previous page's pageInfo.endCursor." },
        },
        resolve: async (_p, args: { stream: string; stage?: string | null; reason?: string | null; limit: number; after?: string | null }, ctx) => {
          const stream = pipeline.streams.find((s) => s.name === args.stream)
          if (!stream)
            throw new GraphQLError(`unknown stream "${args.stream}"; streams: ${pipeline.streams.map((s) => s.name).join(', ')}`, { extensions: { code: 'BAD_USER_INPUT' } })
          // A stream is visible with any view of it the caller may read.
          if (ctx.principal.views !== 'all' && !visibleViews(ctx.principal).some((v) => v.stream === stream)) {
            throw new GraphQLError(`"${ctx.principal.name}" may read no view of stream "${stream.name}"`, { extensions: { code: 'FORBIDDEN' } })
          }
          return deadLetters.read({
            stream: stream.name,
            limit: checkCount('limit', args.limit, 1000),
            ...(args.stage ? { stage: args.stage } : {}),
            ...(args.reason ? { reason: args.reason } : {}),
            ...(args.after ? { after: args.after } : {}),
          })
        },
      },
      alerts: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(AlertRuleType))),
        description: 'The alert rules of the views you may read, whether this deployment runs them, and the states of their groups (as the alert role keeps them).',
        args: { state: { type: AlertStateEnum, description: 'Only the rules with a group in this state.' } },
        resolve: async (_p, args: { state?: string | null }, ctx): Promise<AlertEntry[]> => {
          const rules = pipeline.alerts.filter((a) => canRead(ctx.principal, a.view.name))
          const states = rules.length > 0 && services.alerts ? await services.alerts.states() : []
          return rules
            .map((rule) => {
              const channels = services.alerts?.channels(rule.name) ?? null
              return { rule, enabled: channels !== null, channels: channels ?? [], states: states.filter((s) => s.rule === rule.name) }
            })
            .filter((entry) => !args.state || entry.states.some((s) => s.status === args.state))
        },
      },
      deadLetters: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(DeadLetterCountType))),
        description: 'Dead-letter counts per stream and stage: archiver from the master table (all time, every process), other stages as counted by this process.',
        resolve: (_p, _a, ctx) => deadLetterCounts(ctx.principal),
      },
    },
  })
  return { type: new GraphQLNonNull(Pipeline), description: 'Introspection of the pipeline: views, batch versions and runs, streams and dead letters.', resolve: () => ({}) }
}
