import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type DocumentNode, type SelectionSetNode } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Clock } from '@twinflow/core'
import type { Principal } from '../auth/principal.ts'
import { RateLimiter } from './rate-limiter.ts'
import { currentRequestScope } from './request-scope.ts'

export interface IntrospectionPolicyOptions {
  /** Whether clients may introspect the schema (`__schema`, `__type`). @default true */
  enabled?: boolean
  /** Introspection operations a client (API key, token subject, or address) may run per minute. @default 60 */
  perMinute?: number
  clock: Clock
  /** Called for each introspection refused by the rate limit. */
  onRejected?: () => void
}

/** Whether the operation's root selects `__schema` or `__type` (through fragments too). */
export function isIntrospection(document: DocumentNode, operationName?: string | null): boolean {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])))
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0]
  const seen = new Set<string>()
  const visit = (set: SelectionSetNode): boolean =>
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === '__schema' || s.name.value === '__type'
      if (s.kind === Kind.INLINE_FRAGMENT) return visit(s.selectionSet)
      if (seen.has(s.name.value)) return false
      seen.add(s.name.value)
      const fragment = fragments.get(s.name.value)
      return fragment ? visit(fragment) : false
    })
  return operation ? visit(operation.selectionSet) : false
}

/**
 * Schema introspection policy: off (rejected at validation, as graphql-js's
 * NoSchemaIntrospectionCustomRule does), or on with a rate limit per client, so that a flood of
 * introspection queries is refused (RATE_LIMITED, HTTP 429) before execution while other
 * operations go on.
 */
export function useIntrospectionPolicy(options: IntrospectionPolicyOptions): Plugin<{ principal: Principal }> {
  if (options.enabled === false) {
    return {
      onValidate({ addValidationRule }) {
        addValidationRule(NoSchemaIntrospectionCustomRule)
      },
    }
  }
  const limiter = new RateLimiter(options.perMinute ?? 60)
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!isIntrospection(args.document, args.operationName)) return
      const scope = currentRequestScope()
      const principal = args.contextValue.principal
      const client = principal.name !== 'anonymous' ? `principal:${principal.name}` : `address:${scope?.clientAddress ?? 'unknown'}`
      const retryAfter = limiter.take(client, options.clock.now())
      if (retryAfter === 0) return
      options.onRejected?.()
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`too many introspection queries from this client; retry in ${retryAfter} s`, {
            extensions: { code: 'RATE_LIMITED', requestId: scope?.requestId, http: { status: 429, headers: { 'retry-after': String(retryAfter) } } },
          }),
        ],
      })
    },
  }
}
