import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'
import { GraphQLError, type GraphQLSchema, type ValidationContext } from 'graphql'
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga'
import type { Clock, Logger } from '@twinflow/core'
import type { Authenticator } from '../auth/authenticator.ts'
import { ANONYMOUS, type Principal } from '../auth/principal.ts'
import type { ReadSession } from '../read/read-session.ts'
import type { ServingContext } from '../schema/serving-context.ts'
import type { ResolvedServingOptions } from '../serving-layer-options.ts'
import { createMaskError } from './mask-error.ts'
import { offlineGraphiQL } from './offline-graphiql.ts'
import { currentRequestScope, runInRequestScope, type RequestScope } from './request-scope.ts'
import type { ServingMetrics } from './serving-metrics.ts'
import { useAuthentication } from './use-authentication.ts'
import { useBodySizeLimit } from './use-body-size-limit.ts'
import { useExecutionTimeout } from './use-execution-timeout.ts'
import { useIntrospectionPolicy } from './use-introspection-policy.ts'
import { useOperationMetrics } from './use-operation-metrics.ts'
import { useRequestIdInErrors } from './use-request-id-in-errors.ts'

export interface ServingServerDeps {
  schema: GraphQLSchema
  logger: Logger
  metrics: ServingMetrics
  clock: Clock
  /** null: authentication is off, every caller may read every view. */
  authenticator: Authenticator | null
  newSession: () => ReadSession
}

/** Who an unauthenticated request is when authentication is on and no credential was checked: nobody may read anything. */
const NOBODY: Principal = { name: 'unauthenticated', views: new Set() }
const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * The GraphQL endpoint (graphql-yoga, with GraphQL over SSE for subscriptions; GraphiQL, when on,
 * works offline), made of plugins:
 * authentication (401 before parsing), graphql-armor (token, depth, alias, directive and cost
 * limits), the introspection policy, operation metrics, the execution deadline (TIMEOUT), the
 * body size limit (413), CORS, masked errors. `handle` is the Node request listener an HTTP server mounts at `path`: it gives
 * each request an id (the `x-request-id` header, kept if the client sent a sane one), counts and
 * times it, and writes one access log line.
 */
export class ServingServer {
  readonly yoga: YogaServerInstance<Record<string, unknown>, ServingContext>
  readonly schema: GraphQLSchema
  readonly path: string
  readonly #logger: Logger
  readonly #metrics: ServingMetrics
  readonly #authenticator: Authenticator | null

  constructor(
    deps: ServingServerDeps,
    private readonly options: ResolvedServingOptions,
  ) {
    const { limits } = options
    const { logger, metrics } = deps
    this.path = options.path
    this.schema = deps.schema
    this.#logger = logger
    this.#metrics = metrics
    this.#authenticator = deps.authenticator
    // Rules of validation report their rejection as a validation error (HTTP 400, all reported at
    // once); the token limit stops the parser, so it throws.
    const report = (reason: string) => ({
      propagateOnRejection: false,
      onReject: [
        (context: ValidationContext | null, error: GraphQLError) => {
          metrics.rejections.inc({ reason })
          context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit: reason } }))
        },
      ],
    })
    // biome-ignore lint/suspicious/noExplicitAny: envelop plugins of different context types in one list
    const plugins: Plugin<any>[] = [
      EnvelopArmorPlugin({
        maxTokens: { n: limits.maxTokens, onReject: [() => metrics.rejections.inc({ reason: 'max_tokens' })] },
        maxDepth: { n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true, ...report('max_depth') },
        maxAliases: { n: limits.maxAliases, allowList: [], ...report('max_aliases') },
        maxDirectives: { n: limits.maxDirectives, ...report('max_directives') },
        costLimit: { maxCost: limits.maxCost, ...report('cost_limit') },
        blockFieldSuggestion: { enabled: !options.introspection },
      }),
      useIntrospectionPolicy({
        enabled: options.introspection,
        perMinute: limits.introspectionPerMinute,
        clock: deps.clock,
        onRejected: () => metrics.rejections.inc({ reason: 'introspection_rate' }),
      }),
      useOperationMetrics(metrics),
      useExecutionTimeout({
        timeoutMs: limits.executionTimeoutMs,
        onTimeout: () => logger.warn('graphql request timed out', { requestId: currentRequestScope()?.requestId, timeoutMs: limits.executionTimeoutMs }),
      }),
      useRequestIdInErrors(),
      // Last: it wraps the request parser the plugins before it settled on.
      useBodySizeLimit(limits.maxBodyBytes),
    ]
    if (deps.authenticator) {
      plugins.unshift(useAuthentication({ authenticator: deps.authenticator, onRejected: () => metrics.rejections.inc({ reason: 'unauthenticated' }) }))
    }
    const fallbackPrincipal = deps.authenticator ? NOBODY : ANONYMOUS
    this.yoga = createYoga<Record<string, unknown>, ServingContext>({
      schema: deps.schema,
      graphqlEndpoint: options.path,
      graphiql: options.graphiql ? { title: 'Twinflow' } : false,
      renderGraphiQL: offlineGraphiQL(),
      landingPage: false,
      batching: false,
      // Checked by useBodySizeLimit (last of the plugins) without yoga's per-request stream.
      maxRequestBodySize: false,
      cors: options.cors
        ? {
            origin: options.cors.origins,
            credentials: options.cors.credentials,
            maxAge: options.cors.maxAgeSeconds,
            exposedHeaders: ['x-request-id'],
          }
        : false,
      context: () => ({ principal: fallbackPrincipal, session: deps.newSession() }),
      maskedErrors: { maskError: createMaskError(logger) },
      logging: {
        debug: () => {},
        info: (...args) => logger.info(String(args[0])),
        warn: (...args) => logger.warn(String(args[0]), { args: args.slice(1) }),
        error: (...args) => logger.error('graphql server error', { error: args[0] }),
      },
      plugins,
    })
  }

  /** Resolves when the server can authenticate requests (a configured public key is valid). */
  async ready(): Promise<void> {
    await this.#authenticator?.ready?.()
  }

  /** Serves one HTTP request of the GraphQL path. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now()
    const sent = req.headers['x-request-id']
    const scope: RequestScope = {
      requestId: typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID(),
      clientAddress: req.socket.remoteAddress ?? 'unknown',
    }
    res.setHeader('x-request-id', scope.requestId)
    res.once('close', () => this.#finished(req, res, scope, started))
    void runInRequestScope(scope, () => this.yoga(req, res))
  }

  /**
   * Serves one request in-process, without HTTP (tests, embedding): the same plugins, limits,
   * authentication and error masking as `handle`, with a request id of its own; no access log line.
   */
  fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const scope: RequestScope = { requestId: randomUUID(), clientAddress: 'in-process' }
    return runInRequestScope(scope, async () => this.yoga.fetch(new URL(url, 'http://in-process').href, init))
  }

  #finished(req: IncomingMessage, res: ServerResponse, scope: RequestScope, started: number): void {
    const status = String(res.statusCode)
    const durationMs = performance.now() - started
    this.#metrics.requests.inc({ status })
    if (!String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) this.#metrics.requestDuration.observe({ status }, durationMs / 1000)
    if (res.statusCode === 413) this.#metrics.rejections.inc({ reason: 'body_too_large' })
    if (!this.options.accessLog) return
    this.#logger.info('graphql request', {
      requestId: scope.requestId,
      method: req.method,
      status: res.statusCode,
      durationMs: Math.round(durationMs * 10) / 10,
      operation: scope.operation,
      principal: scope.principal,
      clientAddress: scope.clientAddress,
      bytesIn: Number(req.headers['content-length'] ?? 0),
    })
  }
}
