import type { Container } from 'inversify'
import type { Registry } from 'prom-client'
import {
  planServices,
  resolve,
  rolesOf,
  TOKENS,
  TwinflowError,
  type HttpHandler,
  type Logger,
  type Pipeline,
  type ProcessService,
  type Resolver,
  type ServiceContext,
} from '@twinflow/core'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import type { RuntimeName, TwinflowConfig } from '../config/twinflow-config.ts'
import { registerDeadLetterMetrics } from './metrics/dead-letter-metrics.ts'
import { DataDirectoryLock } from './data-directory-lock.ts'
import { opsRoutes, type NodeHandler } from './ops/ops-routes.ts'
import { ProcessHttpServer } from './ops/process-http-server.ts'
import { Readiness } from './ops/readiness.ts'
import { requireCredentials } from './ops/require-credentials.ts'

export { DASHBOARD_PATH } from './dashboard-module.ts'

interface Running {
  name: string
  stop(): Promise<void>
}

export interface StartOptions {
  /** Roles whose services' needs to start without starting the role (e.g. `batch run` connects what a batch needs, runs no schedule and no HTTP server). */
  connect?: readonly string[]
  /** What the data directory's lock says holds it. @default the roles */
  command?: string
  /** Empties the data directory (under its lock) before anything connects: `dev --reset`. */
  resetData?: boolean
}

/**
 * A Twinflow process: the DI container with its runtimes, sources, sinks, layers and their
 * services bound, and the roles it runs. The roles are those of the bound services
 * (TOKENS.Service): `start(roles)` starts the services of those roles and what they need, each
 * after what it needs, then the HTTP server (the routes the services added, e.g. GraphQL for
 * `serve`; /healthz, /readyz and /metrics for every role, /metrics behind the API's credentials
 * when they share its port and authentication is on); `stop` stops them in reverse order.
 */
export class Twinflow {
  readonly #running: Running[] = []
  readonly #failures: string[] = []
  readonly #endpoints = new Map<string, string>()
  #opsUrl: string | null = null

  constructor(
    readonly container: Container,
    readonly pipeline: Pipeline,
    readonly config: TwinflowConfig,
    readonly logger: Logger,
    /** The process's Prometheus registry, served at /metrics. */
    readonly metrics: Registry,
    /** The configured runtimes, sources and sinks that keep state in the data directory (by config path). */
    readonly dataDirectoryUsers: readonly string[] = [],
  ) {}

  get<T>(id: symbol & { readonly __resolvesTo?: T }): T {
    return resolve(this.container as unknown as Resolver, id)
  }

  /** The roles this process can run: those of its bound services, in the order they were bound. */
  get roles(): string[] {
    return rolesOf(this.#services())
  }

  /** The GraphQL URL, once the serve role is started. */
  get url(): string | null {
    return this.#endpoints.get('graphql') ?? null
  }

  /** The dashboard's URL, once the serve role is started with `serving.dashboard` on. */
  get dashboardUrl(): string | null {
    return this.#endpoints.get('dashboard') ?? null
  }

  /** Base URL of /healthz, /readyz and /metrics, once started with at least one role. */
  get opsUrl(): string | null {
    return this.#opsUrl
  }

  /**
   * Takes the data directory's lock when a runtime keeps state there, then starts the services of
   * the roles and what they need (see StartOptions), each after what it needs. If one fails to
   * start, those already started are stopped in reverse order and the failure is rethrown.
   */
  async start(roles: readonly string[], options: StartOptions = {}): Promise<void> {
    const known = this.roles
    for (const role of [...roles, ...(options.connect ?? [])]) {
      if (!known.includes(role)) throw new TwinflowError('config', `unknown role "${role}"; roles: ${known.join(', ')}`)
    }
    const plan = planServices(this.#services(), roles, options.connect ?? [])
    const needs = [...new Set([...roles, ...(options.connect ?? [])])]
    // What would fail at start for a mistake of config fails now, before anything connects.
    for (const service of plan) await service.validate?.()
    this.#logRuntimes(needs)
    try {
      if (this.dataDirectoryUsers.length > 0) {
        const lock = await DataDirectoryLock.acquire(this.config.dataDir, options.command ?? `twinflow ${needs.join(',')}`)
        this.#running.push({ name: 'data directory lock', stop: () => lock.release() })
        if (options.resetData) {
          await lock.clear()
          this.logger.warn('data directory emptied (reset)', { dataDir: this.config.dataDir })
        }
      }
      const readiness = new Readiness(this.config.ops.readinessTimeoutMs, this.logger.child({ component: 'readiness' }))
      const routes = new Map<string, { handler: HttpHandler; endpoint?: string }>()
      const context: ServiceContext = {
        readiness: (name, probe) => readiness.add(name, probe),
        fail: (reason) => this.#failures.push(reason),
        route: (path, handler, endpoint) => {
          if (routes.has(path)) throw new TwinflowError('internal', `two services serve the path ${path}`)
          routes.set(path, endpoint === undefined ? { handler } : { handler, endpoint })
        },
      }
      if (!this.metrics.getSingleMetric('twinflow_dead_letters_total')) registerDeadLetterMetrics(this.metrics, this.get(TOKENS.DeadLetterQueue))
      for (const service of plan) {
        await service.start(context)
        this.#running.push({ name: service.name, stop: () => service.stop() })
      }
      if (roles.length > 0) await this.#startHttp(routes, readiness)
    } catch (error) {
      await this.stop().catch((stopError: unknown) => this.logger.error('stopping after a failed start failed', { error: stopError }))
      throw error
    }
    this.logger.info('twinflow started', { roles, services: plan.map((s) => s.name), graphql: this.url, dashboard: this.dashboardUrl, ops: this.#opsUrl })
  }

  /**
   * Checks what `start` would reject without connecting to anything: every service's `validate`
   * (the batch schedule's cron expression, the GraphQL schema of the views, the serving layer's
   * credentials...). Options were checked when the process was created.
   */
  async validate(): Promise<void> {
    for (const service of this.#services()) await service.validate?.()
  }

  /** Stops every service in reverse order of start; reports every failure, stops all anyway. */
  async stop(): Promise<void> {
    const failures: unknown[] = []
    while (this.#running.length > 0) {
      const item = this.#running.pop()!
      try {
        await item.stop()
      } catch (error) {
        this.logger.error(`stopping ${item.name} failed`, { error })
        failures.push(error)
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'twinflow did not stop cleanly')
  }

  /**
   * One HTTP server on `serving.port` (the services' routes, and the ops endpoints unless `ops.port`
   * gives them their own). Ops endpoints that share the serving port with authentication on
   * (`serving.auth` not `none`): `/metrics` needs a credential of the API for every view, since
   * anyone who reaches the API reaches it; `/healthz` and `/readyz` stay open for probes (they
   * tell alive or ready, and which runtime check failed). On `ops.port`, all are open.
   */
  async #startHttp(serviceRoutes: ReadonlyMap<string, { handler: HttpHandler; endpoint?: string }>, readiness: Readiness): Promise<void> {
    const { serving, ops } = this.config
    const routes = new Map<string, NodeHandler>()
    const opsLogger = this.logger.child({ component: 'ops' })
    const opsHandlers = opsRoutes({
      readiness,
      registry: this.metrics,
      liveness: () => (this.#failures.length > 0 ? this.#failures.join('; ') : null),
      logger: opsLogger,
    })
    if (ops.port === undefined) {
      const authenticator = this.get(SERVING_TOKENS.Authenticator)
      await authenticator?.ready?.()
      for (const [path, handler] of opsHandlers) routes.set(path, authenticator && path === '/metrics' ? requireCredentials(authenticator, handler, opsLogger) : handler)
    }
    for (const [path, { handler }] of serviceRoutes) routes.set(path, handler)
    const main = new ProcessHttpServer(routes, { port: serving.port, host: serving.host }, this.logger.child({ component: 'http' }))
    const base = await main.start()
    this.#running.push({ name: 'http server', stop: () => main.stop() })
    for (const [path, { endpoint }] of serviceRoutes) if (endpoint !== undefined) this.#endpoints.set(endpoint, `${base}${path}`)
    this.#opsUrl = base
    if (ops.port !== undefined) {
      const separate = new ProcessHttpServer(opsHandlers, { port: ops.port, host: ops.host }, this.logger.child({ component: 'ops-http' }))
      this.#opsUrl = await separate.start()
      this.#running.push({ name: 'ops http server', stop: () => separate.stop() })
    }
  }

  /**
   * One log line per runtime the roles use (a runtime is the service named after it, see
   * RUNTIME_SERVICES): which plugin, whether it is the embedded default, which roles use it.
   */
  #logRuntimes(roles: readonly string[]): void {
    const services = this.#services()
    const usedBy = new Map<string, string[]>()
    for (const role of roles) {
      for (const service of planServices(services, [role])) usedBy.set(service.name, [...(usedBy.get(service.name) ?? []), role])
    }
    for (const runtime of Object.keys(this.config.runtimes) as RuntimeName[]) {
      const roles = usedBy.get(runtime)
      if (!roles) continue
      const { plugin } = this.config.runtimes[runtime]
      this.logger.info('runtime', { runtime, plugin, embeddedDefault: this.config.defaultedRuntimes.includes(runtime), roles })
    }
    if (this.dataDirectoryUsers.length > 0) this.logger.info('data directory', { dataDir: this.config.dataDir, usedBy: this.dataDirectoryUsers })
  }

  #services(): ProcessService[] {
    return this.container.isBound(TOKENS.Service) ? this.container.getAll(TOKENS.Service) : []
  }
}
