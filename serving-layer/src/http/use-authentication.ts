import type { Plugin } from 'graphql-yoga'
import type { Authenticator } from '../auth/authenticator.ts'
import type { Principal } from '../auth/principal.ts'
import { currentRequestScope } from './request-scope.ts'

export interface AuthenticationPluginOptions {
  authenticator: Authenticator
  /** Called for each request refused for want of a valid credential. */
  onRejected?: () => void
}

/**
 * Authenticates every GraphQL request before it is parsed: a missing or invalid credential gets a
 * 401 with the reason and a `WWW-Authenticate` challenge; otherwise the caller becomes the
 * context's `principal` (whose views the resolvers check). CORS preflights, the health check and
 * the GraphiQL page are answered by yoga's own plugins before this one runs.
 */
export function useAuthentication(options: AuthenticationPluginOptions): Plugin<{ principal: Principal }> {
  const principals = new WeakMap<Request, Principal>()
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      const result = await options.authenticator.authenticate(request.headers)
      const scope = currentRequestScope()
      if (result.ok) {
        principals.set(request, result.principal)
        if (scope) scope.principal = result.principal.name
        return
      }
      options.onRejected?.()
      const body = { errors: [{ message: `unauthenticated: ${result.reason}`, extensions: { code: 'UNAUTHENTICATED', requestId: scope?.requestId } }] }
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: 401,
          headers: { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': options.authenticator.challenge },
        }),
      )
    },
    onContextBuilding({ context, extendContext }) {
      const principal = principals.get(context.request)
      if (principal) extendContext({ principal })
    },
  }
}
