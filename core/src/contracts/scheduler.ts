/** A scheduled task; `stop()` cancels future runs and resolves when a run in flight has finished. */
export interface ScheduledTask {
  stop(): Promise<void>
}

/**
 * Runs tasks on a cron schedule. A run that is still going when the next is due is skipped (no overlap).
 * Errors: `config` for an invalid cron expression, from `validate` and from `schedule`.
 */
export interface Scheduler {
  /** Throws a `config` error that says what is wrong when `cron` is not an expression this scheduler runs. */
  validate(name: string, cron: string): void
  schedule(name: string, cron: string, task: () => Promise<void>): ScheduledTask
}
