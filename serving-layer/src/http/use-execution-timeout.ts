import { GraphQLError, type ExecutionResult } from 'graphql'
import type { Plugin } from 'graphql-yoga'

export interface ExecutionTimeoutOptions {
  /** Longest the execution of one query or mutation may take, in ms. */
  timeoutMs: number
  /** Called when an execution is cut off at its deadline (in the request's async context). */
  onTimeout?: () => void
}

/**
 * A deadline per execution (queries and mutations; subscriptions are not bound by it). The timer
 * starts when execution does (after parsing, validation and authentication). Execution runs with
 * an AbortSignal that aborts at the deadline, or when the client goes away (the request's signal):
 * the executor starts no resolver after it, stops waiting for the ones in flight (what they still
 * read finishes on its own and is dropped; a resolver may pass `info.signal` to reads that take
 * one), and the answer is `data: null` with one error, extensions.code `TIMEOUT`, answered like
 * any execution error (HTTP 200 with JSON).
 */
export function useExecutionTimeout(options: ExecutionTimeoutOptions): Plugin {
  const { timeoutMs } = options
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const deadline = new AbortController()
      const timeout = new GraphQLError(`the query did not complete within ${timeoutMs} ms (serving.limits.executionTimeoutMs)`, { extensions: { code: 'TIMEOUT' } })
      const request = (args.contextValue as { request?: Request } | undefined)?.request?.signal
      // The request's signal may be the server adapter's own AbortSignal class (not Node's, which
      // AbortSignal.any refuses on Node 24): its abort is forwarded through its events instead.
      const forward = () => deadline.abort(request?.reason)
      if (request?.aborted) forward()
      else request?.addEventListener('abort', forward, { once: true })
      const signal = deadline.signal
      setExecuteFn(async (execution) => {
        const timer = setTimeout(() => {
          options.onTimeout?.()
          deadline.abort(timeout)
        }, timeoutMs)
        try {
          return await executeFn({ ...execution, signal } as typeof execution)
        } catch (error) {
          if (error !== timeout) throw error
          // A result, not a rejection: the other plugins see it as an execution that failed (metrics).
          return { data: null, errors: [timeout] } satisfies ExecutionResult
        } finally {
          clearTimeout(timer)
          request?.removeEventListener('abort', forward)
        }
      })
    },
  }
}
