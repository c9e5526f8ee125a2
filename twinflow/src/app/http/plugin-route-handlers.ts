import { TwinflowError, type HttpEndpoint, type HttpRoute, type Logger } from '@twinflow/core'
import { ANONYMOUS, type Authenticator } from '@twinflow/serving-layer'
import type { NodeHandler } from '../ops/ops-routes.ts'
import { sendJson } from '../ops/send-json.ts'
import { headersOf } from './headers-of.ts'
import { httpCallerOf } from './http-caller-of.ts'

/** A product's HTTP endpoint and who it is, for errors (`source "orders-http"`). */
export interface PluginEndpoint {
  owner: string
  endpoint: HttpEndpoint
}

export interface PluginRouteOptions {
  /** The API's authenticator (`serving.auth`); null when it is `none` (every caller is `anonymous`). */
  authenticator: Authenticator | null
  /** Paths Twinflow serves itself (GraphQL, the dashboard, the ops endpoints) → what serves them; a path ending in `/` is a prefix. */
  reserved: ReadonlyMap<string, string>
  logger: Logger
}

const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/

/**
 * The handlers of the routes plugins' products serve (HttpEndpoint), by path, for the process's
 * HTTP server. Each path answers a method it has no route for with 405 (and `Allow`), authenticates
 * the caller with the API's authenticator (401 with its challenge before the body is read; 503 when
 * the authenticator fails), then hands the request to the route with the caller. A route that
 * throws or rejects is logged and answered 500 (or its connection cut if it had begun to answer).
 * Throws a `config` error for a path that is not one, a path Twinflow serves, and a method and
 * path two routes have.
 */
export function pluginRouteHandlers(endpoints: readonly PluginEndpoint[], options: PluginRouteOptions): Map<string, NodeHandler> {
  const byPath = new Map<string, Map<string, { route: HttpRoute; owner: string }>>()
  for (const { owner, endpoint } of endpoints) {
    for (const route of endpoint.routes) {
      const where = `${owner}: ${route.method} ${route.path}`
      if (!PATH.test(route.path) || (route.path.endsWith('/') && route.path !== '/')) {
        throw new TwinflowError('config', `${where}: not a path a route can have (an absolute URL path without a query and without a trailing "/")`)
      }
      const taken = reservedBy(route.path, options.reserved)
      if (taken !== null) throw new TwinflowError('config', `${where}: that path is Twinflow's (${taken}); give the route another path`)
      const methods = byPath.get(route.path) ?? new Map<string, { route: HttpRoute; owner: string }>()
      const other = methods.get(route.method)
      if (other) throw new TwinflowError('config', `${where}: ${other.owner} serves that method and path too; give one of them another path`)
      methods.set(route.method, { route, owner })
      byPath.set(route.path, methods)
    }
  }
  const handlers = new Map<string, NodeHandler>()
  for (const [path, methods] of byPath) {
    const allow = [...methods.keys()].join(', ')
    handlers.set(path, (req, res) => {
      const found = methods.get(req.method ?? '')
      if (!found) return sendJson(res, 405, { error: `${req.method} is not allowed on ${path}; allowed: ${allow}` }, { allow })
      const logger = options.logger.child({ path, owner: found.owner })
      const fail = (error: unknown) => {
        logger.error('an HTTP route of a plugin failed', { error })
        if (!res.headersSent) sendJson(res, 500, { error: 'the route failed; see the server log' })
        else res.destroy()
      }
      const principal = options.authenticator ? options.authenticator.authenticate(headersOf(req.headers)) : Promise.resolve({ ok: true as const, principal: ANONYMOUS })
      principal.then(
        (result) => {
          if (!result.ok) return sendJson(res, 401, { error: `unauthenticated: ${result.reason}` }, { 'www-authenticate': options.authenticator!.challenge })
          try {
            Promise.resolve(found.route.handle(req, res, httpCallerOf(result.principal))).catch(fail)
          } catch (error) {
            fail(error)
          }
        },
        (error: unknown) => {
          logger.error('authenticating a request failed', { error })
          sendJson(res, 503, { error: 'authentication is unavailable' }, { 'retry-after': '5' })
        },
      )
    })
  }
  return handlers
}

/** What of Twinflow's serves `path` (an exact path, or a prefix it falls under), or null. */
function reservedBy(path: string, reserved: ReadonlyMap<string, string>): string | null {
  for (const [taken, what] of reserved) {
    if (path === taken || (taken.endsWith('/') && path.startsWith(taken)) || `${path}/` === taken) return what
  }
  return null
}
