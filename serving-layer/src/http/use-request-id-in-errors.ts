import type { Plugin } from 'graphql-yoga'
import { currentRequestScope } from './request-scope.ts'

/**
 * Puts the request id in the extensions of every error of a response (parse and validation errors
 * included; errors of execution get it when masked), so that a client can quote it.
 */
export function useRequestIdInErrors(): Plugin {
  return {
    onResultProcess({ result }) {
      const requestId = currentRequestScope()?.requestId
      if (requestId === undefined || Symbol.asyncIterator in result) return
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of single.errors ?? []) {
          if (error.extensions && Object.isExtensible(error.extensions)) Object.assign(error.extensions, { requestId })
        }
      }
    },
  }
}
