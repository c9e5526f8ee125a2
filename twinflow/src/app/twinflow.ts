import type { Container } from 'inversify'
import type { Registry } from 'prom-client'
import { resolve, resolveAll, TOKENS, type Logger, type Pipeline, type Resolver } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { SPEED_TOKENS } from '@twinflow/speed-layer'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { dashboardHandler, VIEWS_QUERY } from '@twinflow/dashboard'
import { IngestRunner } from '../ingest/ingest-runner.ts'
import type { TwinflowConfig } from '../config/twinflow-config.ts'
import { registerArchiverMetrics } from './metrics/archiver-metrics.ts'
import { registerBatchMetrics } from './metrics/batch-metrics.ts'
import { registerDeadLetterMetrics } from './metrics/dead-letter-metrics.ts'
import { registerSpeedMetrics } from './metrics/speed-metrics.ts'
import { DataDirectoryLock } from './data-directory-lock.ts'
import { opsRoutes, type NodeHandler } from './ops/ops-routes.ts'
import { ProcessHttpServer } from './ops/process-http-server.ts'
import { Readiness } from './ops/readiness.ts'
import { requireCredentials } from './ops/require-credentials.ts'
import type { Role } from './role.ts'
import { runtimesOfRoles } from './runtimes-of-roles.ts'
import { sourceMappings } from './source-mappings.ts'

interface Running {
  name: string
  stop(): Promise<void>
}

export interface StartOptions {
  /** Roles whose runtimes to connect without starting the role (e.g. `batch run` connects what a batch needs, runs no schedule and no HTTP server). */
  connect?: readonly Role[]
  /** What the data directory's lock says holds it. @default the roles */
  command?: string
  /** Empties the data directory (under its lock) before anything connects: `dev --reset`. */
  resetData?: boolean
}

/**
 * A Twinflow process: the DI container with its runtimes, sources, sinks and layers bound, and the
 * roles it runs. `start` connects the runtimes the roles need, then starts the roles, then the
 * HTTP server (GraphQL for `serve`; /healthz, /readyz and /metrics for every role, /metrics behind
 * the API's credentials when they share its port and authentication is on); `stop` stops
 * them in reverse order and disconnects.
 */
/** Where the serve role mounts the dashboard (`serving.dashboard`). */
export const DASHBOARD_PATH = '/ui'

export class Twinflow {
  readonly #running: Running[] = []
  readonly #failures: string[] = []
  #url: string | null = null
  #dashboardUrl: string | null = null
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

  /** The GraphQL URL, once the serve role is started. */
  get url(): string | null {
    return this.#url
  }

  /** The dashboard's URL, once the serve role is started with `serving.dashboard` on. */
  get dashboardUrl(): string | null {
    return this.#dashboardUrl
  }

  /** Base URL of /healthz, /readyz and /metrics, once started with at least one role. */
  get opsUrl(): string | null {
    return this.#opsUrl
  }

  /**
   * Takes the data directory's lock when a runtime keeps state there, connects the runtimes the
   * roles need, then starts the roles (see StartOptions).
   */
  async start(roles: readonly Role[], options: StartOptions = {}): Promise<void> {
    const needs = new Set<Role>([...roles, ...(options.connect ?? [])])
    this.#logRuntimes([...needs])
    if (this.dataDirectoryUsers.length > 0) {
      const lock = await DataDirectoryLock.acquire(this.config.dataDir, options.command ?? `twinflow ${[...needs].join(',')}`)
      this.#running.push({ name: 'data directory lock', stop: () => lock.release() })
      if (options.resetData) {
        await lock.clear()
        this.logger.warn('data directory emptied (reset)', { dataDir: this.config.dataDir })
      }
    }
    const has = (r: Role) => needs.has(r)
    const runs = (r: Role) => roles.includes(r)
    const readiness = new Readiness(this.config.ops.readinessTimeoutMs, this.logger.child({ component: 'readiness' }))
    const firstTopic = this.pipeline.streams[0]?.topic
    const log = this.get(TOKENS.EventLog)
    await log.connect()
    this.#running.push({ name: 'event log', stop: () => log.close() })
    for (const stream of this.pipeline.streams) await log.createTopic(stream.topic, this.config.topics.partitions)
    if (firstTopic) readiness.add('eventLog', () => log.endOffsets(firstTopic))

    const needsBatch = has('archiver') || has('batch') || has('serve') || has('speed')
    if (needsBatch) {
      const driver = this.get(TOKENS.ClickHouseDriver)
      await driver.connect()
      this.#running.push({ name: 'clickhouse', stop: () => driver.close() })
      const engine = this.get(TOKENS.BatchEngine)
      await engine.start(this.pipeline)
      this.#running.push({ name: 'batch engine', stop: () => engine.stop() })
      readiness.add('batchEngine', () => engine.runs(null, 1))
    }
    const speedGroupId = this.get(SERVING_TOKENS.Options).speedGroupId
    if (has('speed') || has('serve')) {
      const store = this.get(TOKENS.RealtimeStore)
      await store.start(this.pipeline)
      this.#running.push({ name: 'realtime store', stop: () => store.stop() })
      if (firstTopic) readiness.add('realtimeStore', () => store.progress(speedGroupId, firstTopic))
    }
    // Ingest writes the inputs it rejects; the serve role reads the dead letters back (pipeline.rejectedInputs).
    if (has('ingest') || has('archiver') || has('speed') || has('serve')) {
      const dlq = this.get(TOKENS.DeadLetterQueue)
      await dlq.connect()
      this.#running.push({ name: 'dead-letter queue', stop: () => dlq.close() })
    }
    this.#registerMetrics(roles)
    if (runs('archiver')) await this.#startService('archiver', this.get(BATCH_TOKENS.Archiver))
    if (runs('speed')) {
      for (const sink of this.#all(TOKENS.Sink)) {
        await sink.connect()
        this.#running.push({ name: `sink ${sink.name}`, stop: () => sink.close() })
      }
      const worker = this.get(SPEED_TOKENS.Worker)
      await this.#startService('speed', worker)
      readiness.add('speedWorker', async () => {
        const { state } = worker.health()
        if (state !== 'running' && state !== 'degraded') throw Object.assign(new Error(`speed worker is ${state}`), { kind: state })
      })
      worker.onHealthChange((health) => {
        if (health.state === 'failed') this.#failures.push('the speed worker stopped after a non-retriable error')
      })
    }
    if (runs('ingest')) {
      const runner = new IngestRunner(
        this.#all(TOKENS.Source),
        log,
        this.get(TOKENS.DeadLetterQueue),
        this.pipeline,
        this.get(TOKENS.Clock),
        this.logger.child({ role: 'ingest' }),
        sourceMappings(this.config),
        () => this.#failures.push('a source stopped after a non-retriable error'),
      )
      runner.start()
      this.#running.push({ name: 'ingest', stop: () => runner.stop() })
    }
    if (runs('batch')) await this.#startService('batch schedule', this.get(BATCH_TOKENS.Schedule))
    if (roles.length > 0) await this.#startHttp(runs('serve'), readiness)
    this.logger.info('twinflow started', { roles, graphql: this.#url, dashboard: this.#dashboardUrl, ops: this.#opsUrl })
  }

  /**
   * Checks what `start` would reject without connecting to anything: the batch schedule's cron
   * expression, the sources (made, not connected: a source's factory checks what its options
   * alone cannot, such as a cron expression against the scheduler), the GraphQL schema of the
   * views, the serving layer's credentials (a public key that does not parse). Options were checked
   * when the process was created.
   */
  async validate(): Promise<void> {
    this.get(BATCH_TOKENS.Schedule).validate()
    this.#all(TOKENS.Source)
    await this.get(SERVING_TOKENS.Server).ready()
  }

  /** Stops every role and runtime in reverse order of start; reports every failure, stops all anyway. */
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
   * One HTTP server on `serving.port` (GraphQL when serving, and the ops endpoints unless `ops.port`
   * gives them their own). Ops endpoints that share the serving port with authentication on
   * (`serving.auth` not `none`): `/metrics` needs a credential of the API for every view, since
   * anyone who reaches the API reaches it; `/healthz` and `/readyz` stay open for probes (they
   * tell alive or ready, and which runtime check failed). On `ops.port`, all are open.
   */
  async #startHttp(serve: boolean, readiness: Readiness): Promise<void> {
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
    if (serve) {
      const server = this.get(SERVING_TOKENS.Server)
      await server.ready()
      const feed = this.get(SERVING_TOKENS.ChangeFeed)
      this.#running.push({ name: 'subscriptions', stop: () => feed.stop() })
      routes.set(server.path, (req, res) => server.handle(req, res))
      if (serving.dashboard) {
        const { auth } = serving
        const handler = dashboardHandler({
          mountPath: DASHBOARD_PATH,
          graphqlPath: server.path,
          auth: auth.mode === 'api-key' ? { mode: 'api-key', header: auth.header } : { mode: auth.mode },
          views: auth.mode === 'none' ? await this.#dashboardViews(server) : undefined,
        })
        routes.set(DASHBOARD_PATH, handler)
        routes.set(`${DASHBOARD_PATH}/`, handler)
      }
    }
    const main = new ProcessHttpServer(routes, { port: serving.port, host: serving.host }, this.logger.child({ component: 'http' }))
    const base = await main.start()
    this.#running.push({ name: 'http server', stop: () => main.stop() })
    if (serve) this.#url = `${base}${this.get(SERVING_TOKENS.Server).path}`
    if (serve && serving.dashboard) this.#dashboardUrl = `${base}${DASHBOARD_PATH}/`
    this.#opsUrl = base
    if (ops.port !== undefined) {
      const separate = new ProcessHttpServer(opsHandlers, { port: ops.port, host: ops.host }, this.logger.child({ component: 'ops-http' }))
      this.#opsUrl = await separate.start()
      this.#running.push({ name: 'ops http server', stop: () => separate.stop() })
    }
  }

  /** The views as the dashboard's own query answers them (every view: only without authentication), read in-process. */
  async #dashboardViews(server: { fetch(url: string, init?: RequestInit): Promise<Response> }): Promise<unknown[] | undefined> {
    const res = await server.fetch(this.get(SERVING_TOKENS.Server).path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: VIEWS_QUERY }),
    })
    const body = (await res.json().catch(() => null)) as { data?: { pipeline?: { views?: unknown[] } } } | null
    return body?.data?.pipeline?.views
  }

  /** One log line per runtime the roles use: which plugin, whether it is the embedded default, which roles use it. */
  #logRuntimes(roles: readonly Role[]): void {
    for (const [runtime, usedBy] of runtimesOfRoles(roles)) {
      const { plugin } = this.config.runtimes[runtime]
      this.logger.info('runtime', { runtime, plugin, embeddedDefault: this.config.defaultedRuntimes.includes(runtime), roles: usedBy })
    }
    if (this.dataDirectoryUsers.length > 0) this.logger.info('data directory', { dataDir: this.config.dataDir, usedBy: this.dataDirectoryUsers })
  }

  /** Registers the metrics of what this process runs on its registry (once). */
  #registerMetrics(roles: readonly Role[]): void {
    const logger = this.logger.child({ component: 'metrics' })
    const registered = (name: string) => this.metrics.getSingleMetric(name) !== undefined
    const deps = { pipeline: this.pipeline, log: this.get(TOKENS.EventLog), clock: this.get(TOKENS.Clock), logger }
    if (!registered('twinflow_dead_letters_total')) registerDeadLetterMetrics(this.metrics, this.get(TOKENS.DeadLetterQueue))
    if (roles.includes('speed') && !registered('twinflow_speed_records_total')) {
      registerSpeedMetrics(this.metrics, { ...deps, worker: this.get(SPEED_TOKENS.Worker), store: this.get(TOKENS.RealtimeStore) })
    }
    if (roles.includes('batch') && !registered('twinflow_batch_run_duration_seconds')) {
      registerBatchMetrics(this.metrics, { ...deps, engine: this.get(TOKENS.BatchEngine), since: deps.clock.now() })
    }
    if (roles.includes('archiver') && !registered('twinflow_archiver_lag_records')) {
      registerArchiverMetrics(this.metrics, { ...deps, engine: this.get(TOKENS.BatchEngine) })
    }
    if (roles.includes('serve')) this.get(SERVING_TOKENS.Metrics)
  }

  async #startService(name: string, service: { start(): Promise<void>; stop(): Promise<void> }): Promise<void> {
    await service.start()
    this.#running.push({ name, stop: () => service.stop() })
  }

  #all<T>(id: symbol & { readonly __resolvesTo?: T }): T[] {
    return this.container.isBound(id) ? resolveAll(this.container as unknown as Resolver, id) : []
  }
}
