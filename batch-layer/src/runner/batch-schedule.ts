import { TwinflowError, type Logger, type ScheduledTask, type Scheduler } from '@twinflow/core'
import type { BatchRunner } from './batch-runner.ts'

/** Runs every view on a cron schedule (UTC), through the configured Scheduler, and on demand (`runNow`). */
export class BatchSchedule {
  #task: ScheduledTask | null = null
  readonly #now = new Set<Promise<void>>()

  constructor(
    private readonly runner: BatchRunner,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    private readonly cron: string,
  ) {}

  /** Throws a `config` error when the cron expression is not one the scheduler runs. */
  validate(): void {
    this.scheduler.validate('twinflow-batch', this.cron)
  }

  /** Schedules the runs; an invalid cron expression is a `config` error here. */
  async start(): Promise<void> {
    if (this.#task) return
    this.#task = this.scheduler.schedule('twinflow-batch', this.cron, () => this.#runAll())
    this.logger.info('batch schedule started', { cron: this.cron })
  }

  /**
   * Runs every view once now, besides the schedule (e.g. right after a start); `stop()` waits for it
   * as for a scheduled run. Rejects with an `unavailable` error naming the views whose run failed.
   */
  runNow(): Promise<void> {
    const run = this.#runAll()
    this.#now.add(run)
    const done = () => this.#now.delete(run)
    run.then(done, done)
    return run
  }

  /** Cancels future runs and waits for the runs in flight (scheduled or `runNow`). */
  async stop(): Promise<void> {
    const task = this.#task
    this.#task = null
    await task?.stop()
    await Promise.allSettled([...this.#now])
  }

  async #runAll(): Promise<void> {
    const runs = await this.runner.runAll()
    const failed = runs.filter((r) => r.status !== 'succeeded')
    if (failed.length > 0) {
      throw new TwinflowError('unavailable', `batch runs failed for ${failed.map((r) => `"${r.view}" (${r.error})`).join(', ')}`, {
        context: { runIds: failed.map((r) => r.runId) },
      })
    }
  }
}
