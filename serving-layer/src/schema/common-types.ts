import { GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql'
import { GRANULARITIES, GRANULARITY_NAMES } from '../query/granularity.ts'
import type { Freshness } from '../read/freshness.ts'
import { DateTimeScalar } from './date-time-scalar.ts'

export const GranularityEnum = new GraphQLEnumType({
  name: 'Granularity',
  description: "Size of an answer's time buckets (UTC): the view's window or coarser, up to a calendar month.",
  values: Object.fromEntries(GRANULARITIES.map((g) => [GRANULARITY_NAMES[g], { value: g, description: g === '1mo' ? 'calendar months' : `${g} buckets` }])),
})

export const SortDirectionEnum = new GraphQLEnumType({
  name: 'SortDirection',
  values: { ASC: { value: 'ASC', description: 'smallest first' }, DESC: { value: 'DESC', description: 'largest first' } },
})

export const PageInfoType = new GraphQLObjectType({
  name: 'PageInfo',
  fields: {
    hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
    endCursor: { type: GraphQLString, description: 'Pass it as `after` to get the next page of the same query.' },
  },
})

export const FreshnessType = new GraphQLObjectType<Freshness>({
  name: 'Freshness',
  description: 'How fresh an answer is: windows before `cutoff` come from batch version `batchVersion`, the rest from the speed layer.',
  fields: {
    cutoff: { type: DateTimeScalar, description: 'The batch cutoff the answer was merged at; null before the first batch version.' },
    batchVersion: { type: GraphQLInt },
    batchPublishedAt: { type: DateTimeScalar },
    newestEventTime: { type: DateTimeScalar, description: 'Newest event time the speed layer has applied to the view, as its realtime store records it.' },
    realtimeLagMs: {
      type: GraphQLFloat,
      description: "How far the speed layer is behind the stream's event time, in milliseconds: streamEventTime - newestEventTime, at least 0 (event time, not the wall clock).",
    },
    streamEventTime: { type: DateTimeScalar, description: "Newest event time the archiver has stored for the view's stream: the stream's event-time frontier." },
    pendingEvents: { type: new GraphQLNonNull(GraphQLFloat), description: "Records of the view's stream in the log that the speed layer has not applied yet." },
    answeredAt: { type: new GraphQLNonNull(DateTimeScalar) },
  },
})
