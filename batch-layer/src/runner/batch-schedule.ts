import { TwinflowError, type Logger, type ScheduledTask, type Scheduler } from '@twinflow/core'
import type { BatchRunner } from './batch-runner'

/** Runs every view on a cron schedule (UTC), through the configured Scheduler. */
export class BatchSchedule {
  #task: ScheduledTask | null = null

  constructor(
    private readonly runner: BatchRunner,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    private readonly cron: string,
  ) {}

  /** Schedules the runs; an invalid cron expression is a `config` error here. */
  async start(): Promise<void> {
    if (this.#task) return
    this.#task = this.scheduler.schedule('twinflow-batch', this.cron, async () => {
      const runs = await this.runner.runAll()
      const failed = runs.filter((r) => r.status !== 'succeeded')
      if (failed.length > 0) {
        throw new TwinflowError('unavailable', `batch runs failed for ${failed.map((r) => `"${r.view}" (${r.error})`).join(', ')}`, {
          context: { runIds: failed.map((r) => r.runId) },
        })
      }
    })
    this.logger.info('batch schedule started', { cron: this.cron })
  }

  /** Cancels future runs and waits for the run in flight. */
  async stop(): Promise<void> {
    const task = this.#task
    this.#task = null
    await task?.stop()
  }
}
