/** A scheduled task; `stop()` cancels future runs and resolves when a run in flight has finished. */
export interface ScheduledTask {
  stop(): Promise<void>
}

/**
 * Runs tasks on a cron schedule. A run that is still going when the next is due is skipped (no overlap).
 * Errors: `config` for an invalid cron expression (at `schedule` time).
 */
export interface Scheduler {
  schedule(name: string, cron: string, task: () => Promise<void>): ScheduledTask
}
