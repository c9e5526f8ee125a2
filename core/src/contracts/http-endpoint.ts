import type { IncomingMessage, ServerResponse } from 'node:http'

/** Who sent a request to a plugin's route, as the process's authentication (`serving.auth`) found them. */
export interface HttpCaller {
  /** The API key's name, the JWT's subject, or `anonymous` when authentication is off: what logs and per-caller limits name. */
  readonly name: string
  /** Whether the caller may read `view` (the views of its key or token). */
  canRead(view: string): boolean
  /** Whether the caller may append events to `stream` (the `ingest` permission of its key or token; anyone when authentication is off). */
  canIngest(stream: string): boolean
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One route of an HttpEndpoint. */
export interface HttpRoute {
  readonly method: HttpMethod
  /** The exact path, e.g. `/ingest/orders` (no query string, no prefix matching). */
  readonly path: string
  /**
   * Answers one request, given as Node's request and response: the route reads the body itself
   * (streaming, with its own limits) and must end the response. Called only for an authenticated
   * caller (a missing or bad credential was answered 401 already); authorization is the route's:
   * check `caller` and answer 403. A thrown error or a rejection is logged and answered 500.
   */
  handle(request: IncomingMessage, response: ServerResponse, caller: HttpCaller): void | Promise<void>
}

/**
 * An optional capability of a plugin's product: HTTP routes it serves (a push source's ingest
 * endpoint, a webhook). Today sources have it (`Source.http`). The process that runs the product
 * mounts its routes on its HTTP server (`serving.port`, beside GraphQL and the ops endpoints)
 * behind the API's authentication (`serving.auth`: API keys or JWT; with `none`, every caller is
 * `anonymous` and may do anything), and answers a method the path has no route for with 405.
 * A route whose method and path another route has (Twinflow's own, or another product's) fails the
 * start with a `config` error naming both. Routes are mounted while the product runs; the product
 * answers requests that come before it is connected or after it is closed itself (e.g. 503).
 */
export interface HttpEndpoint {
  readonly routes: readonly HttpRoute[]
}
