import { GraphQLError } from 'graphql'
import { TwinflowError } from '@twinflow/core'

/**
 * Maps errors of a resolver to what a client may see: bad arguments are BAD_USER_INPUT with the
 * precise message; an unavailable runtime is UNAVAILABLE (retriable). Anything else is rethrown
 * as is, and the server masks it (the client gets "Unexpected error." and a request id).
 */
export function toGraphQLError(error: unknown): unknown {
  if (TwinflowError.is(error, 'validation')) return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })
  if (TwinflowError.is(error, 'unavailable')) {
    return new GraphQLError(`temporarily unavailable: ${error.message}`, { extensions: { code: 'UNAVAILABLE', retriable: true } })
  }
  return error
}
