import type { Plugin } from 'graphql-yoga'
import { getOperationAST } from 'graphql'
import type { ServingMetrics } from './serving-metrics.ts'
import { currentRequestScope } from './request-scope.ts'

/**
 * Counts operations by type and outcome (ok, error, timeout: cut off at the execution deadline,
 * invalid), and notes the type in the request scope for the access log.
 */
export function useOperationMetrics(metrics: ServingMetrics): Plugin {
  return {
    onValidate() {
      return ({ valid }) => {
        if (!valid) metrics.operations.inc({ type: 'unknown', outcome: 'invalid' })
      }
    },
    onExecute({ args }) {
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown'
      const scope = currentRequestScope()
      if (scope) scope.operation = type
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? (result.errors ?? []) : []
          const outcome = errors.some((e) => e.extensions?.code === 'TIMEOUT') ? 'timeout' : errors.length > 0 ? 'error' : 'ok'
          metrics.operations.inc({ type, outcome })
        },
      }
    },
    onSubscribe() {
      const scope = currentRequestScope()
      if (scope) scope.operation = 'subscription'
      return {
        onSubscribeResult() {
          metrics.operations.inc({ type: 'subscription', outcome: 'ok' })
        },
        onSubscribeError() {
          metrics.operations.inc({ type: 'subscription', outcome: 'error' })
        },
      }
    },
  }
}
