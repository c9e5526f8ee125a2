import { Container } from 'inversify'
import { resolve, resolveAll, TOKENS, type Logger, type Pipeline, type Resolver, type Sink, type Source } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { SPEED_TOKENS } from '@twinflow/speed-layer'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { IngestRunner } from '../ingest/ingest-runner'
import type { TwinflowConfig } from '../config/twinflow-config'
import type { Role } from './role'

interface Running {
  name: string
  stop(): Promise<void>
}

/**
 * A Twinflow process: the DI container with its runtimes, sources, sinks and layers bound, and the
 * roles it runs. `start` connects the runtimes the roles need, then starts the roles; `stop` stops
 * them in reverse order and disconnects.
 */
export class Twinflow {
  readonly #running: Running[] = []
  #url: string | null = null

  constructor(
    readonly container: Container,
    readonly pipeline: Pipeline,
    readonly config: TwinflowConfig,
    readonly logger: Logger,
  ) {}

  get<T>(id: symbol & { readonly __resolvesTo?: T }): T {
    return resolve(this.container as unknown as Resolver, id)
  }

  /** The GraphQL URL, once the serve role is started. */
  get url(): string | null {
    return this.#url
  }

  /**
   * Connects the runtimes the roles need, then starts the roles. `connect` names roles whose
   * runtimes to connect without starting the role itself (e.g. `batch run` connects what a batch
   * needs but runs no schedule).
   */
  async start(roles: readonly Role[], options: { connect?: readonly Role[] } = {}): Promise<void> {
    const needs = new Set<Role>([...roles, ...(options.connect ?? [])])
    const has = (r: Role) => needs.has(r)
    const runs = (r: Role) => roles.includes(r)
    const log = this.get(TOKENS.EventLog)
    await log.connect()
    this.#running.push({ name: 'event log', stop: () => log.close() })
    for (const stream of this.pipeline.streams) await log.createTopic(stream.topic, this.config.topics.partitions)

    const needsBatch = has('archiver') || has('batch') || has('serve') || has('speed')
    if (needsBatch) {
      const driver = this.get(TOKENS.ClickHouseDriver)
      await driver.connect()
      this.#running.push({ name: 'clickhouse', stop: () => driver.close() })
      const engine = this.get(TOKENS.BatchEngine)
      await engine.start(this.pipeline)
      this.#running.push({ name: 'batch engine', stop: () => engine.stop() })
    }
    if (has('speed') || has('serve')) {
      const store = this.get(TOKENS.RealtimeStore)
      await store.start(this.pipeline)
      this.#running.push({ name: 'realtime store', stop: () => store.stop() })
    }
    if (has('archiver') || has('speed')) {
      const dlq = this.get(TOKENS.DeadLetterQueue)
      await dlq.connect()
      this.#running.push({ name: 'dead-letter queue', stop: () => dlq.close() })
    }
    if (runs('archiver')) await this.#startService('archiver', this.get(BATCH_TOKENS.Archiver))
    if (runs('speed')) {
      for (const sink of this.#all(TOKENS.Sink)) {
        await sink.connect()
        this.#running.push({ name: `sink ${sink.name}`, stop: () => sink.close() })
      }
      await this.#startService('speed', this.get(SPEED_TOKENS.Worker))
    }
    if (runs('ingest')) {
      const runner = new IngestRunner(this.#all(TOKENS.Source), log, this.pipeline, this.get(TOKENS.Clock), this.logger.child({ role: 'ingest' }))
      runner.start()
      this.#running.push({ name: 'ingest', stop: () => runner.stop() })
    }
    if (runs('batch')) await this.#startService('batch schedule', this.get(BATCH_TOKENS.Schedule))
    if (runs('serve')) {
      const server = this.get(SERVING_TOKENS.Server)
      this.#url = await server.start()
      this.#running.push({ name: 'serve', stop: () => server.stop() })
    }
    this.logger.info('twinflow started', { roles })
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

  async #startService(name: string, service: { start(): Promise<void>; stop(): Promise<void> }): Promise<void> {
    await service.start()
    this.#running.push({ name, stop: () => service.stop() })
  }

  #all<T>(id: symbol & { readonly __resolvesTo?: T }): T[] {
    return this.container.isBound(id) ? resolveAll(this.container as unknown as Resolver, id) : []
  }
}

export type { Source, Sink }
