import { randomUUID } from 'node:crypto'
import { retry, TwinflowError, windowStart, type BatchRun, type Clock, type EventLog, type Logger, type Pipeline, type Publication, type ViewDef } from '@twinflow/core'
import type { BatchLayerEngine } from '../engine/batch-layer-engine.ts'
import type { MasterTableState } from '../engine/master-table-state.ts'
import type { ResolvedBatchRunnerOptions } from './batch-runner-options.ts'
import { batchCutoff } from './batch-cutoff.ts'
import { nextVersion } from './next-version.ts'

/**
 * Recomputes views from the master tables and publishes them. A run of a view:
 * 1. picks its cutoff from the clock and the stream's event-time watermarks (see batchCutoff: the
 *    split follows the data for past events; never before the served cutoff, so the boundary with
 *    the speed layer only moves forward);
 * 2. notes the log's end offsets, and waits until the archiver has archived all of them;
 * 3. builds a new version table for event time < cutoff, publishes (version, cutoff) while it
 *    records the run's success, then drops versions older than the `keepVersions` newest published.
 * Failed attempts are retried with exponential backoff; a failed attempt never publishes. Every
 * attempt is recorded in the run history (running, then succeeded or failed).
 */
export class BatchRunner {
  constructor(
    private readonly engine: BatchLayerEngine,
    private readonly log: EventLog,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ResolvedBatchRunnerOptions,
  ) {}

  /** Runs every view of the pipeline, one after the other; a failed view does not stop the others. */
  async runAll(): Promise<BatchRun[]> {
    const runs: BatchRun[] = []
    for (const view of this.pipeline.views) runs.push(await this.runView(view.name))
    return runs
  }

  /**
   * Runs one view. Resolves with its final record: `succeeded`, or `failed` with the error (which
   * is also logged) once retries are exhausted or the error is not retriable. Rejects only for an
   * unknown view.
   */
  async runView(viewName: string): Promise<BatchRun> {
    const view = this.pipeline.view(viewName)
    const startedAt = this.clock.now()
    const logger = this.logger.child({ view: view.name })
    let run: BatchRun = {
      runId: randomUUID(),
      view: view.name,
      attempt: 0,
      status: 'running',
      startedAt,
      finishedAt: null,
      cutoff: windowStart(Math.max(0, startedAt - view.allowedLatenessMs), view.windowMs),
      version: 0,
      rows: 0,
      error: null,
    }
    let ends: Map<number, number> | null = null
    try {
      run = await retry(
        this.clock,
        async (attempt) => {
          run = { ...run, attempt, status: 'running', finishedAt: null, version: 0, rows: 0, error: null }
          // Ends the archiver wait if the attempt fails before it is over.
          const attemptOver = new AbortController()
          // The 'succeeded' record, once written alongside the publication: a failure after it is recorded after it.
          let succeeding: Promise<unknown> = Promise.resolve()
          try {
            // Independent reads at once: a run's fixed cost is round trips, not work. With the log's
            // end offsets: the newest `keepVersions` publications (the newest is the served cutoff)
            // and the view's version tables; the highest of both gives the run's version, and they
            // tell which tables to drop after the publish.
            const reading = ends ? Promise.resolve(ends) : this.log.endOffsets(view.stream.topic)
            const archived = this.#waitForArchiver(view, reading, attemptOver.signal)
            archived.catch(() => {}) // awaited below; an attempt that fails first must not leave it unhandled
            const [logEnds, published, tables] = await Promise.all([reading, this.engine.publications(view.name, this.options.keepVersions), this.engine.versions(view.name)])
            ends = logEnds
            const served = published[0]?.cutoff ?? null
            // Until the archiver has caught up, the cutoff shown is the clock's bound (held at the served one).
            run = { ...run, version: nextVersion(published, tables), cutoff: Math.max(run.cutoff, served ?? 0) }
            // The 'running' record is written while the run waits and builds; it settles before the
            // run publishes or records a failure, so it never lands after either.
            const recording = this.engine.recordRun(run)
            const work = archived.then(({ watermarks, duplicates }) => {
              // The cutoff follows the data the archiver holds once it has everything the log held when the run began.
              run = { ...run, cutoff: batchCutoff({ now: startedAt, windowMs: view.windowMs, allowedLatenessMs: view.allowedLatenessMs, watermarks, served }) }
              return this.engine.buildVersion(view.name, run.version, run.cutoff, duplicates)
            })
            const [recorded, built] = await Promise.allSettled([recording, work])
            if (built.status === 'rejected') throw built.reason
            if (recorded.status === 'rejected') throw recorded.reason
            // The publication is the run's commit point. The 'succeeded' record goes alongside it
            // rather than after it (one round trip less): the run history reads a 'succeeded' record
            // without its publication as still running, so neither a reader in between nor a process
            // stopping in between sees a success that did not happen.
            const succeeded: BatchRun = { ...run, status: 'succeeded', finishedAt: this.clock.now(), rows: built.value }
            succeeding = this.#record(succeeded, logger)
            await this.engine.publish(view.name, run.version, run.cutoff)
            await Promise.all([succeeding, this.#dropOldVersions(view, run.version, published, tables, logger)])
            return succeeded
          } catch (error) {
            await succeeding
            run = { ...run, status: 'failed', finishedAt: this.clock.now(), error: messageOf(error) }
            await this.#record(run, logger)
            throw error
          } finally {
            attemptOver.abort()
          }
        },
        {
          retries: this.options.retries,
          initialDelayMs: this.options.initialRetryDelayMs,
          operation: `batch run of view "${view.name}"`,
          onRetry: ({ attempt, delayMs, error }) => logger.warn('batch run attempt failed; retrying', { runId: run.runId, attempt, delayMs, error }),
        },
      )
      logger.info('batch run succeeded', { runId: run.runId, version: run.version, cutoff: run.cutoff, rows: run.rows, attempts: run.attempt })
      return run
    } catch (error) {
      logger.error('batch run failed', { runId: run.runId, attempts: run.attempt, cutoff: run.cutoff, error })
      return run
    }
  }

  /**
   * Waits until every partition's archived offset reaches what the log held when the run began;
   * resolves with the master table's state (the stream's event-time watermarks and its duplicate
   * check) read alongside the check that found it caught up (no round trip of its own; read at the
   * same time, the watermarks can only be lower than after it, which makes the cutoff lower: safe;
   * the duplicate check is a hint the build verifies).
   */
  async #waitForArchiver(view: ViewDef, endsOf: Promise<ReadonlyMap<number, number>>, signal: AbortSignal): Promise<MasterTableState> {
    const deadline = this.clock.now() + this.options.waitTimeoutMs
    let state: Promise<MasterTableState> | null = null
    const withWatermarks = <T>(read: Promise<T>): Promise<T> => {
      state = this.engine.masterTableState(view.stream.name)
      state.catch(() => {}) // awaited by the caller of the check that passes
      return read
    }
    const lowerBound = () => withWatermarks(this.engine.archivedOffsets(view.stream.name, { lowerBound: true }))
    // The first check reads the archived offsets while the log's end offsets are fetched: archived
    // offsets only grow, so reading them early can make the run wait one more poll, never start early.
    const [ends, first] = await Promise.all([endsOf, lowerBound()])
    const behindOf = (archived: Map<number, number>) => [...ends].filter(([partition, end]) => end > 0 && (archived.get(partition) ?? -1) < end - 1)
    for (let bound = first; ; bound = await lowerBound()) {
      // The cheap lower bound settles the usual case (caught up); only when it says "behind" is
      // the exact answer, which scans the master table, asked.
      if (behindOf(bound).length === 0) return state!
      const archived = await withWatermarks(this.engine.archivedOffsets(view.stream.name))
      const behind = behindOf(archived)
      if (behind.length === 0) return state!
      if (this.clock.now() >= deadline) {
        const detail = behind.map(([p, end]) => `partition ${p}: archived up to ${archived.get(p) ?? 'nothing'}, log end ${end}`).join('; ')
        throw new TwinflowError('unavailable', `the archiver has not archived what topic "${view.stream.topic}" held when the run began (${detail}); is it running?`, {
          context: { view: view.name, topic: view.stream.topic, waitedMs: this.options.waitTimeoutMs },
        })
      }
      await this.clock.sleep(this.options.pollIntervalMs, signal)
    }
  }

  /**
   * Drops the tables of versions older than the `keepVersions` newest published: this run's
   * `version` and those published before it (`earlier`), among the tables read before the build
   * (`tables`). None of them is served: this run's publication made `version` (or a newer one
   * published since) the served version. A version published or built meanwhile by another
   * process is missing from the reads, which can only make the kept version older or leave a
   * table for the next run.
   */
  async #dropOldVersions(view: ViewDef, version: number, earlier: readonly Publication[], tables: readonly number[], logger: Logger): Promise<void> {
    try {
      const published = [version, ...earlier.map((p) => p.version).filter((v) => v < version)]
      const keep = published[this.options.keepVersions - 1]
      if (keep === undefined) return
      const dropped = tables.filter((v) => v < keep)
      if (dropped.length > 0) await this.engine.dropVersions(view.name, dropped)
    } catch (error) {
      logger.warn('could not drop old batch versions; the next run tries again', { error })
    }
  }

  async #record(run: BatchRun, logger: Logger): Promise<void> {
    try {
      await this.engine.recordRun(run)
    } catch (error) {
      logger.error('could not record a batch run in the run history', { runId: run.runId, status: run.status, error })
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
