import { GraphQLError } from 'graphql'
import { TwinflowError } from '@twinflow/core'

/**
 * Maps errors of a resolver to what a client may see (mapResolverErrors applies it to every
 * resolver of the schema): bad arguments are BAD_USER_INPUT with the precise message; an unavailable runtime or a race that outlasted the retries is UNAVAILABLE
 * (retriable). Anything else is returned as is, and the server masks it (the client gets
 * "Unexpected error." with the request id; the log has the details).
 */
export function toGraphQLError(error: unknown): unknown {
  if (error instanceof GraphQLError) return error
  if (TwinflowError.is(error, 'validation')) return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })
  if (TwinflowError.is(error, 'unavailable') || TwinflowError.is(error, 'conflict')) {
    return new GraphQLError(`temporarily unavailable: ${error.message}`, { extensions: { code: 'UNAVAILABLE', retriable: true } })
  }
  return error
}
