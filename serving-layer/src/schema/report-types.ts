import { GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLOutputType } from 'graphql'
import type { ReportDef, ReportRunRecord } from '@twinflow/core'
import { DateTimeScalar } from './date-time-scalar.ts'
import type { ServingContext } from './serving-context.ts'

const nn = <T extends GraphQLOutputType>(type: T) => new GraphQLNonNull(type)

const ReportRunStatusEnum = new GraphQLEnumType({
  name: 'ReportRunStatus',
  values: {
    SENT: { value: 'sent', description: 'Every channel has it, or its dead letter.' },
    FAILED: { value: 'failed', description: 'Its views could not be read; nothing was sent.' },
  },
})
const ReportTriggerEnum = new GraphQLEnumType({
  name: 'ReportTrigger',
  values: {
    SCHEDULE: { value: 'schedule' },
    CATCH_UP: { value: 'catch-up', description: 'A run missed while no process ran the report role, sent late.' },
    MANUAL: { value: 'manual', description: '`twinflow report run`.' },
  },
})

const ReportDeliveryType = new GraphQLObjectType<ReportRunRecord['deliveries'][number]>({
  name: 'ReportDelivery',
  fields: {
    channel: { type: nn(GraphQLString) },
    delivered: { type: nn(GraphQLBoolean), description: 'false: every attempt failed, and the report went to the dead-letter queue.', resolve: (d) => d.status === 'delivered' },
    attempts: { type: nn(GraphQLInt) },
  },
})

export const ReportRunType = new GraphQLObjectType<ReportRunRecord>({
  name: 'ReportRun',
  description: 'One run of a report: one per report and scheduled time, whichever process sent it.',
  fields: {
    runId: { type: nn(GraphQLString), description: "The notification's id (the receivers' idempotency key)." },
    scheduledAt: { type: nn(DateTimeScalar) },
    status: { type: nn(ReportRunStatusEnum) },
    trigger: { type: nn(ReportTriggerEnum) },
    late: { type: nn(GraphQLBoolean) },
    startedAt: { type: nn(DateTimeScalar) },
    finishedAt: { type: nn(DateTimeScalar) },
    durationMs: { type: nn(GraphQLFloat), resolve: (r) => r.finishedAt - r.startedAt },
    periodFrom: { type: DateTimeScalar, resolve: (r) => r.period?.from ?? null },
    periodTo: { type: DateTimeScalar, resolve: (r) => r.period?.to ?? null },
    deliveries: { type: nn(new GraphQLList(nn(ReportDeliveryType))) },
    error: { type: GraphQLString },
  },
})

/** A report as `pipeline.reports` lists it: its declaration, its channels and its last runs. */
export function reportInfoType(deps: { channels: (report: ReportDef) => readonly string[]; runs: (report: ReportDef, limit: number) => Promise<ReportRunRecord[]> }) {
  return new GraphQLObjectType<ReportDef, ServingContext>({
    name: 'ReportInfo',
    description: 'A scheduled report (defineReport): queries of views sent to channels on a cron, in a time zone.',
    fields: {
      name: { type: nn(GraphQLString) },
      title: { type: nn(GraphQLString) },
      cron: { type: nn(GraphQLString) },
      timeZone: { type: nn(GraphQLString) },
      range: { type: nn(GraphQLString), description: 'The period each run covers, in the time zone (yesterday, last 7 days...).' },
      views: { type: nn(new GraphQLList(nn(GraphQLString))), resolve: (r) => [...new Set(r.views.map((q) => q.view.name))] },
      channels: { type: nn(new GraphQLList(nn(GraphQLString))), description: 'Where it is sent; none: it is not scheduled.', resolve: (r) => deps.channels(r) },
      lastRun: { type: ReportRunType, resolve: async (r) => (await deps.runs(r, 1))[0] ?? null },
      runs: {
        type: nn(new GraphQLList(nn(ReportRunType))),
        args: { limit: { type: GraphQLInt, defaultValue: 10 } },
        resolve: (r, args: { limit: number }) => deps.runs(r, args.limit),
      },
    },
  })
}
