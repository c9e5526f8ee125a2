import { GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLNullableType } from 'graphql'
import type { BatchRun, DeadLetter, Publication, StreamDef, ViewDef } from '@twinflow/core'
import type { PartitionLag, StreamStats } from '../read/stream-stats.ts'
import { granularitiesOf } from '../query/granularity.ts'
import { FreshnessType, GranularityEnum } from './common-types.ts'
import { DateTimeScalar } from './date-time-scalar.ts'
import { freshnessNeeds } from './freshness-needs.ts'
import { selectedFields } from './selected-fields.ts'
import type { ServingContext } from './serving-context.ts'

const nn = <T extends GraphQLNullableType>(t: T) => new GraphQLNonNull(t)
const list = <T extends GraphQLNullableType>(t: T) => nn(new GraphQLList(nn(t)))

/** Dead letters counted for one stream and stage. */
export interface DeadLetterCount {
  stream: string
  stage: string
  count: number
}

/** A stream with the dead-letter counts the resolver found for it. */
export interface StreamEntry {
  stream: StreamDef
  views: readonly string[]
  deadLetters: readonly DeadLetterCount[]
}

const ValueTypeEnum = new GraphQLEnumType({
  name: 'ValueType',
  values: { STRING: { value: 'string' }, INT: { value: 'int' }, FLOAT: { value: 'float' }, BOOLEAN: { value: 'bool' }, TIME: { value: 'time' }, QUANTILES: { value: 'quantiles' } },
})

const MeasureKindEnum = new GraphQLEnumType({
  name: 'MeasureKind',
  values: {
    COUNT: { value: 'count' },
    SUM: { value: 'sum' },
    MIN: { value: 'min' },
    MAX: { value: 'max' },
    AVG: { value: 'avg' },
    DISTINCT: { value: 'distinct' },
    QUANTILES: { value: 'quantiles' },
  },
})

export const BatchRunStatusEnum = new GraphQLEnumType({
  name: 'BatchRunStatus',
  values: {
    RUNNING: { value: 'running', description: 'Waiting for the archiver, building, or publishing; also a run whose process stopped before it recorded an outcome.' },
    SUCCEEDED: { value: 'succeeded', description: "The run's version is built and published: its windows before the cutoff are served." },
    FAILED: { value: 'failed', description: 'The run failed after its retries; `error` says why.' },
  },
})

const NamedType = (name: string, extra: Record<string, { type: GraphQLEnumType | GraphQLNonNull<GraphQLEnumType> }>) =>
  new GraphQLObjectType({ name, fields: { name: { type: nn(GraphQLString) }, ...extra } })

const KeyInfoType = NamedType('KeyInfo', { type: { type: nn(ValueTypeEnum) } })
const MeasureInfoType = new GraphQLObjectType<ViewDef['measures'][number]>({
  name: 'MeasureInfo',
  fields: {
    name: { type: nn(GraphQLString) },
    kind: { type: nn(MeasureKindEnum), resolve: (m) => m.measure.kind },
    type: { type: nn(ValueTypeEnum), description: 'Type of the merged value.', resolve: (m) => m.measure.resultType },
  },
})
const FieldInfoType = NamedType('FieldInfo', { type: { type: nn(ValueTypeEnum) } })

export const BatchVersionType = new GraphQLObjectType<Publication>({
  name: 'BatchVersion',
  description: 'A published batch version: windows before its cutoff are served from it.',
  fields: { version: { type: nn(GraphQLInt) }, cutoff: { type: nn(DateTimeScalar) }, publishedAt: { type: nn(DateTimeScalar) } },
})

export const BatchRunType = new GraphQLObjectType<BatchRun>({
  name: 'BatchRun',
  description: 'The latest state of one batch run (a run is retried in attempts under one run id).',
  fields: {
    runId: { type: nn(GraphQLString) },
    view: { type: nn(GraphQLString) },
    attempt: { type: nn(GraphQLInt) },
    status: { type: nn(BatchRunStatusEnum) },
    startedAt: { type: nn(DateTimeScalar) },
    finishedAt: { type: DateTimeScalar },
    durationMs: { type: GraphQLFloat, resolve: (r) => (r.finishedAt === null ? null : r.finishedAt - r.startedAt) },
    cutoff: { type: nn(DateTimeScalar) },
    version: { type: nn(GraphQLInt) },
    rows: { type: nn(GraphQLFloat), description: 'Rows of the version built.' },
    error: { type: GraphQLString },
  },
})

export const DeadLetterCountType = new GraphQLObjectType<DeadLetterCount>({
  name: 'DeadLetterCount',
  description: 'Inputs a consumer could not use, since this process started (see twinflow_dead_letters_total for every process).',
  fields: { stream: { type: nn(GraphQLString) }, stage: { type: nn(GraphQLString), description: 'archiver, speed, ingest or a source.' }, count: { type: nn(GraphQLFloat) } },
})

const StreamPartitionType = new GraphQLObjectType<PartitionLag>({
  name: 'StreamPartition',
  description: "The speed layer's position in one partition of the stream's topic.",
  fields: {
    partition: { type: nn(GraphQLInt) },
    endOffset: { type: nn(GraphQLFloat), description: 'The next offset to be written.' },
    appliedOffset: { type: GraphQLFloat, description: 'The last offset the speed layer applied; null before its first.' },
    pending: { type: nn(GraphQLFloat), description: 'Records written and not applied yet (the lag).' },
  },
})

/** How much of a dead letter's payload `DeadLetter.payload` shows. */
const PAYLOAD_CHARS = 500

const DeadLetterType = new GraphQLObjectType<DeadLetter>({
  name: 'DeadLetter',
  description: 'An input a consumer could not use, with why.',
  fields: {
    stage: { type: nn(GraphQLString), description: 'archiver, speed, ingest or a source.' },
    reason: { type: nn(GraphQLString) },
    at: { type: nn(DateTimeScalar), description: 'When it was rejected.' },
    partition: { type: GraphQLInt },
    offset: { type: GraphQLFloat },
    payload: {
      type: nn(GraphQLString),
      description: `The first ${PAYLOAD_CHARS} characters of the input, as UTF-8.`,
      resolve: (l) => l.payload.toString('utf8').slice(0, PAYLOAD_CHARS),
    },
  },
})

/** The fields of `StreamInfo` that read live figures: the stream statistics and the newest dead letters of this process. */
export interface StreamInfoReads {
  stats: StreamStats
  recentDeadLetters(stream: string, limit: number): Promise<readonly DeadLetter[]>
}

export function streamInfoType(reads: StreamInfoReads): GraphQLObjectType<StreamEntry> {
  return new GraphQLObjectType<StreamEntry>({
    name: 'StreamInfo',
    fields: {
      rate: {
        type: GraphQLFloat,
        description: "Records appended to the stream's topic per second, over the last minute of this server's samples (each read is one); null until two are a second apart.",
        resolve: (s) => reads.stats.rate(s.stream.topic),
      },
      partitions: { type: list(StreamPartitionType), description: "The speed layer's lag per partition.", resolve: (s) => reads.stats.partitions(s.stream.topic) },
      pendingEvents: {
        type: nn(GraphQLFloat),
        description: 'Records the speed layer has not applied yet, over all partitions.',
        resolve: async (s) => (await reads.stats.partitions(s.stream.topic)).reduce((n, p) => n + p.pending, 0),
      },
      recentDeadLetters: {
        type: list(DeadLetterType),
        description: 'The newest dead letters of the stream, newest first (what the dead-letter queue keeps for reading; `rejectedInputs` pages through them all).',
        args: { limit: { type: GraphQLInt, defaultValue: 10 } },
        resolve: (s, args: { limit: number }) => reads.recentDeadLetters(s.stream.name, args.limit),
      },
      name: { type: nn(GraphQLString), resolve: (s) => s.stream.name },
      topic: { type: nn(GraphQLString), resolve: (s) => s.stream.topic },
      timeField: { type: nn(GraphQLString), resolve: (s) => s.stream.timeField },
      fields: { type: list(FieldInfoType), resolve: (s) => Object.entries(s.stream.fields).map(([name, f]) => ({ name, type: f.kind })) },
      views: { type: list(GraphQLString) },
      deadLetters: { type: list(DeadLetterCountType) },
      deadLetterCount: { type: nn(GraphQLFloat), resolve: (s) => s.deadLetters.reduce((n, d) => n + d.count, 0) },
    },
  })
}

/** `ViewInfo.runs` reads the run history; the resolver is given by the pipeline fields. */
export function viewInfoType(runs: (view: ViewDef, limit: number) => Promise<BatchRun[]>): GraphQLObjectType<ViewDef, ServingContext> {
  const BatchInfo = new GraphQLObjectType<ViewDef, ServingContext>({
    name: 'BatchInfo',
    fields: {
      current: { type: BatchVersionType, description: 'The version served now.', resolve: (v, _a, ctx) => ctx.session.publication(v.name) },
      versions: { type: list(BatchVersionType), description: 'Every publication, newest first.', resolve: (v, _a, ctx) => ctx.session.publications(v.name) },
    },
  })
  return new GraphQLObjectType<ViewDef, ServingContext>({
    name: 'ViewInfo',
    fields: {
      name: { type: nn(GraphQLString) },
      stream: { type: nn(GraphQLString), resolve: (v) => v.stream.name },
      window: { type: nn(GranularityEnum) },
      granularities: { type: list(GranularityEnum), resolve: (v) => granularitiesOf(v) },
      keys: { type: list(KeyInfoType), resolve: (v) => v.keys.map((k) => ({ name: k.name, type: k.type })) },
      measures: { type: list(MeasureInfoType) },
      allowedLatenessMs: { type: nn(GraphQLFloat) },
      batch: { type: nn(BatchInfo), resolve: (v) => v },
      runs: { type: list(BatchRunType), args: { limit: { type: GraphQLInt, defaultValue: 10 } }, resolve: (v, args: { limit: number }) => runs(v, args.limit) },
      freshness: {
        type: nn(FreshnessType),
        resolve: async (v, _a, ctx, info) => ctx.session.freshness({ view: v.name, publication: await ctx.session.publication(v.name) }, freshnessNeeds(selectedFields(info))),
      },
    },
  })
}
