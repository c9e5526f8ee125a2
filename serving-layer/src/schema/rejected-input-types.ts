import { GraphQLBoolean, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql'
import type { DeadLetterPage, StoredDeadLetter } from '@twinflow/core'
import { PageInfoType } from './common-types.ts'
import { DateTimeScalar } from './date-time-scalar.ts'

/** An input a stage could not use, as the dead-letter queue keeps it. */
export const RejectedInputType = new GraphQLObjectType<StoredDeadLetter>({
  name: 'RejectedInput',
  description: 'An input a stage of the pipeline could not use, with why and where it came from.',
  fields: {
    stream: { type: new GraphQLNonNull(GraphQLString) },
    stage: { type: new GraphQLNonNull(GraphQLString), description: 'archiver (the stream rejected it), speed (a view could not take it), load, or a source.' },
    reason: { type: new GraphQLNonNull(GraphQLString) },
    at: { type: new GraphQLNonNull(DateTimeScalar), description: 'When it was rejected.' },
    payload: {
      type: new GraphQLNonNull(GraphQLString),
      description: 'The input as received, as UTF-8 text (invalid bytes as U+FFFD), cut to the first 4 KiB.',
      resolve: (l) => l.payload.toString('utf8'),
    },
    payloadBase64: { type: new GraphQLNonNull(GraphQLString), description: 'The same bytes, base64.', resolve: (l) => l.payload.toString('base64') },
    payloadBytes: { type: new GraphQLNonNull(GraphQLFloat), description: 'The length of the input as received, in bytes.' },
    truncated: { type: new GraphQLNonNull(GraphQLBoolean), resolve: (l) => l.payload.length < l.payloadBytes },
    topic: { type: GraphQLString, description: 'Where it was read from, when it came from the log.' },
    partition: { type: GraphQLInt },
    offset: { type: GraphQLFloat },
    source: { type: GraphQLString, description: 'The source that read it (its name), when a source did.' },
    position: { type: GraphQLString, description: 'Where in that source: a file and line, a table cursor, a request line.' },
  },
})

/** A page of rejected inputs, newest first. */
export const RejectedInputPageType = new GraphQLObjectType<DeadLetterPage>({
  name: 'RejectedInputPage',
  fields: {
    items: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(RejectedInputType))), resolve: (p) => p.letters },
    pageInfo: { type: new GraphQLNonNull(PageInfoType), resolve: (p) => ({ hasNextPage: p.next !== null, endCursor: p.next }) },
  },
})
