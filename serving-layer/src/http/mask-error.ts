import { GraphQLError } from 'graphql'
import type { Logger } from '@twinflow/core'
import { currentRequestScope } from './request-scope.ts'

/** A GraphQLError made on purpose (bad input, forbidden, unavailable), not wrapping an unexpected error. */
function isDeliberate(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false
  return error.originalError == null || isDeliberate(error.originalError)
}

/**
 * Yoga's `maskError`: deliberate errors go to the client as they are; any other error is logged
 * with the request id and replaced by "Unexpected error." (INTERNAL_SERVER_ERROR). Every error
 * carries the request id, which is also the `x-request-id` response header.
 */
export function createMaskError(logger: Logger): (error: unknown, message: string) => Error {
  return (error, message) => {
    const requestId = currentRequestScope()?.requestId
    if (isDeliberate(error)) {
      // The same instance (yoga logs errors it sees replaced): only the request id is added.
      if (requestId !== undefined) Object.assign(error.extensions, { requestId })
      return error
    }
    const graphqlError = error instanceof GraphQLError ? error : null
    logger.error('unexpected error while answering a GraphQL request', {
      requestId,
      path: graphqlError?.path?.join('.'),
      error: graphqlError?.originalError ?? error,
    })
    return new GraphQLError(message, { nodes: graphqlError?.nodes, path: graphqlError?.path, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } })
  }
}
