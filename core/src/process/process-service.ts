import type { IncomingMessage, ServerResponse } from 'node:http'

/** A handler of the process's HTTP server. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void

/** What a starting service may use of its process. */
export interface ServiceContext {
  /** Adds a check to `/readyz`: the process is ready while every check's probe resolves in time. */
  readiness(name: string, probe: () => Promise<unknown>): void
  /** Reports that the service stopped for good: `/healthz` answers 503 with the reason from then on. */
  fail(reason: string): void
  /**
   * Serves `handler` at `path` on the process's HTTP server (`serving.port`; a path that ends with
   * `/` also takes every path under it). `endpoint` names the URL for the process to announce
   * (`graphql`, `dashboard`).
   */
  route(path: string, handler: HttpHandler, endpoint?: string): void
}

/**
 * One part of a Twinflow process, bound by its layer's module as a multi-binding of
 * `TOKENS.Service`: a runtime (the event log, the realtime store...) or what a role runs (the
 * archiver, the speed worker, the GraphQL server...). A process started with some roles starts
 * the services of those roles and, before them, every service they need (transitively), each
 * once; it stops them in the reverse order. Roles are the names services declare: a layer that
 * binds a service with a new role adds that role, and nothing else changes.
 *
 * Lifecycle: `validate()` may run without `start` (`twinflow check`: nothing connects); `start`
 * runs after the services it needs started, at most once; `stop` runs once `start` resolved, after
 * the services that need it stopped. A `start` that rejects stops the process's start: the
 * services already started are stopped in reverse order.
 * Binding: the binding must be cheap to resolve (resolve heavy dependencies in `start`): every
 * service is resolved to plan a start.
 */
export interface ProcessService {
  /** Unique in the process: what `needs`, logs and stop failures name. */
  readonly name: string
  /** The roles that run this service. None: it runs only when a running service needs it (a runtime). */
  readonly roles: readonly string[]
  /** Names of the services that must run before this one (and stop after it). */
  readonly needs: readonly string[]
  /** Checks what `start` would reject, connecting to nothing (bad config fails here). */
  validate?(): Promise<void>
  start(context: ServiceContext): Promise<void>
  stop(): Promise<void>
}
