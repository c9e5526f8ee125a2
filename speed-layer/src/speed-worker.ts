import {
  checkResumeOffsets,
  TwinflowError,
  type Clock,
  type DeadLetterQueue,
  type EventLog,
  type LogBatch,
  type LogConsumer,
  type Logger,
  type Pipeline,
  type RealtimeStore,
  type Channels,
  type PiiMasking,
} from '@twinflow/core'
import { BatchProcessor, type BatchResult } from './batch-processor.ts'
import type { CutoffSource } from './cutoff-source.ts'
import { CutoffWatcher } from './cutoff-watcher.ts'
import { FoldPool } from './fold/fold-pool.ts'
import { resolveFoldThreads } from './fold/resolve-fold-threads.ts'
import { parseSpeedLayerOptions, type ResolvedSpeedLayerOptions, type SpeedLayerOptions } from './speed-layer-options.ts'

export interface SpeedWorkerDeps {
  pipeline: Pipeline
  log: EventLog
  store: RealtimeStore
  deadLetters: DeadLetterQueue
  /** The channels the view changes of every applied batch go to (those that take `view-changes`). */
  channels?: Pick<Channels, 'send' | 'taking'>
  cutoffs: CutoffSource
  clock: Clock
  logger: Logger
  /**
   * File URL of the module that exports `pipeline` (what the config's `pipeline` names). Fold
   * threads import it; without it every batch folds on the event loop.
   */
  pipelineModule?: string
  /**
   * File URLs of modules each fold thread imports before the pipeline module, e.g. one that
   * registers a loader for the pipeline's language (the CLI's TypeScript loader).
   */
  threadPreload?: readonly string[]
  /** The masking of personal fields (see PiiMasking). @default no secret */
  masking?: PiiMasking
}

/**
 * `running`: consuming, last batch succeeded; `degraded`: consuming, the last attempt failed with a
 * retriable error (the log redelivers it); `failed`: stopped consuming after a non-retriable error.
 */
export type SpeedWorkerState = 'idle' | 'starting' | 'running' | 'degraded' | 'failed' | 'stopping' | 'stopped'

export interface SpeedWorkerHealth {
  state: SpeedWorkerState
  healthy: boolean
  lastError: unknown
  lastErrorAt: number | null
}

/** Totals since start, over every batch delivered (redeliveries included). */
export type SpeedWorkerStats = BatchResult & { batches: number }

/**
 * A speed layer worker: a member of the speed consumer group over every topic whose stream has
 * views. Each log batch goes through a `BatchProcessor` (decode, evaluate, skip below the
 * cutoff, pre-aggregate, one fenced apply, overlap repair, view changes to the channels, progress) and is committed by
 * the log when it succeeds. The first pass of each batch (decode to pre-aggregate) runs in fold
 * threads when the options and the pipeline module allow (`foldThreads`), else on the event loop.
 * Partitions resume from the realtime store's progress (+1), which wins over the group's commits:
 * a partition without progress starts from offset 0. A `CutoffWatcher` keeps the published
 * cutoffs and drops realtime windows below them.
 *
 * Its runtimes must be started by the caller (log connected, store started, dead-letter queue and
 * channels connected); the worker does not own them. Failures are reported through the log's
 * `onError`: logged with the error, reflected in `health()`, never swallowed.
 */
export class SpeedWorker {
  readonly #deps: SpeedWorkerDeps
  readonly #options: ResolvedSpeedLayerOptions
  readonly #processor: BatchProcessor
  readonly #pool: FoldPool | null
  readonly #watcher: CutoffWatcher
  readonly #logger: Logger
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #listeners = new Set<(health: SpeedWorkerHealth) => void>()
  #health: SpeedWorkerHealth = { state: 'idle', healthy: false, lastError: null, lastErrorAt: null }
  #stats: SpeedWorkerStats = {
    batches: 0,
    records: 0,
    invalid: 0,
    deadLetters: 0,
    skippedBelowCutoff: 0,
    duplicateEvents: 0,
    groups: 0,
    applied: 0,
    duplicates: 0,
    overlaps: 0,
    reapplied: 0,
  }
  #consumer: LogConsumer | null = null
  #stopping: Promise<void> | null = null

  constructor(deps: SpeedWorkerDeps, options: SpeedLayerOptions = {}) {
    this.#deps = deps
    this.#options = parseSpeedLayerOptions(options)
    this.#logger = deps.logger.child({ component: 'speed-worker', group: this.#options.groupId })
    this.#watcher = new CutoffWatcher({
      source: deps.cutoffs,
      store: deps.store,
      views: deps.pipeline.views.map((v) => v.name),
      clock: deps.clock,
      logger: this.#logger,
      refreshIntervalMs: this.#options.cutoffRefreshMs,
      settle: () => this.#settle(),
    })
    const threads = resolveFoldThreads(this.#options.foldThreads, deps.pipelineModule)
    this.#pool =
      threads > 0
        ? new FoldPool({
            threads,
            pipeline: deps.pipeline,
            pipelineModule: deps.pipelineModule!,
            preload: deps.threadPreload ?? [],
            maxEventBytes: this.#options.maxEventBytes,
            piiSecret: deps.masking?.secret ?? null,
            foldTimeoutMs: this.#options.foldTimeoutMs,
            logger: this.#logger,
          })
        : null
    this.#processor = new BatchProcessor({
      pipeline: deps.pipeline,
      store: deps.store,
      deadLetters: deps.deadLetters,
      ...(deps.channels ? { channels: deps.channels } : {}),
      cutoff: (view) => this.#watcher.cutoff(view),
      clock: deps.clock,
      logger: this.#logger,
      consumer: this.#options.groupId,
      maxEventBytes: this.#options.maxEventBytes,
      ...(deps.masking ? { masking: deps.masking } : {}),
      retry: this.#options.retry,
      ...(this.#pool ? { folder: this.#pool } : {}),
    })
  }

  get options(): ResolvedSpeedLayerOptions {
    return this.#options
  }

  /** Reads the published cutoffs, then joins the consumer group. Resolves once consuming. */
  async start(): Promise<void> {
    if (this.#health.state !== 'idle') throw new TwinflowError('internal', `the speed worker cannot start: it is ${this.#health.state}`)
    this.#setHealth({ state: 'starting' })
    try {
      await this.#watcher.start()
      const topics = this.#processor.topics
      if (topics.length > 0) {
        await this.#pool?.start()
        this.#consumer = await this.#deps.log.consume({
          groupId: this.#options.groupId,
          topics,
          maxBatchSize: this.#options.maxBatchSize,
          resumeFrom: (topic, partitions) => this.#resumeFrom(topic, partitions),
          eachBatch: (batch) => this.#track(this.#handle(batch)),
          onError: (error) => this.#onError(error),
        })
      } else {
        this.#logger.warn('no stream of the pipeline has views: the speed worker has nothing to consume')
      }
      this.#setHealth({ state: 'running', healthy: true })
      this.#logger.info('speed worker started', { topics, foldThreads: this.#pool?.threads ?? 0 })
    } catch (error) {
      await this.#watcher.stop()
      await this.#pool?.close()
      this.#setHealth({ state: 'failed', healthy: false, lastError: error, lastErrorAt: this.#deps.clock.now() })
      throw error
    }
  }

  /** Leaves the group after the batches in flight (they commit), stops watching cutoffs. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const failed = this.#health.state === 'failed'
      this.#setHealth({ state: 'stopping', healthy: false })
      await this.#watcher.stop()
      await this.#consumer?.stop()
      await this.#settle()
      await this.#pool?.close()
      this.#setHealth({ state: failed ? 'failed' : 'stopped', healthy: false })
      this.#logger.info('speed worker stopped', { stats: this.#stats })
    })()
    return this.#stopping
  }

  health(): SpeedWorkerHealth {
    return { ...this.#health }
  }

  stats(): SpeedWorkerStats {
    return { ...this.#stats }
  }

  /** Calls `listener` on every health change; returns the function that removes it. */
  onHealthChange(listener: (health: SpeedWorkerHealth) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Reads the published cutoffs now (e.g. right after a batch publication in this process). */
  refreshCutoffs(): Promise<void> {
    return this.#watcher.refresh()
  }

  /** The view's cutoff in effect: events of earlier windows are skipped. */
  cutoff(view: string): number {
    return this.#watcher.cutoff(view)
  }

  async #resumeFrom(topic: string, partitions: number[]): Promise<Map<number, number>> {
    const progress = await this.#deps.store.progress(this.#options.groupId, topic)
    const resume = new Map(partitions.map((p) => [p, (progress.get(p) ?? -1) + 1]))
    checkResumeOffsets('the speed layer', topic, resume, await this.#deps.log.endOffsets(topic))
    return resume
  }

  async #handle(batch: LogBatch): Promise<void> {
    // The batch's signal aborts when this member loses the partition: the processor stops writing.
    const result = await this.#processor.process(batch, batch.signal)
    const s = this.#stats
    s.batches++
    for (const key of Object.keys(result) as (keyof BatchResult)[]) s[key] += result[key]
    if (this.#health.state === 'degraded') this.#setHealth({ state: 'running', healthy: true })
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work)
    const done = () => this.#inFlight.delete(work)
    work.then(done, done)
    return work
  }

  /** Resolves when every batch in flight now (including those of a crashed member) has finished. */
  async #settle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight])
  }

  #onError(error: unknown): void {
    const retriable = TwinflowError.isRetriable(error)
    const now = this.#deps.clock.now()
    if (retriable) {
      this.#logger.warn('speed layer batch failed; the log redelivers it', { error })
      if (this.#health.state === 'running' || this.#health.state === 'degraded') this.#setHealth({ state: 'degraded', healthy: false, lastError: error, lastErrorAt: now })
      else this.#setHealth({ lastError: error, lastErrorAt: now })
      return
    }
    this.#logger.error('speed layer stopped consuming after a non-retriable error', { error })
    const stopping = this.#health.state === 'stopping' || this.#health.state === 'stopped'
    this.#setHealth({ ...(stopping ? {} : { state: 'failed' as const }), healthy: false, lastError: error, lastErrorAt: now })
  }

  #setHealth(change: Partial<SpeedWorkerHealth>): void {
    this.#health = { ...this.#health, ...change }
    const health = this.health()
    for (const listener of [...this.#listeners]) listener(health)
  }
}
