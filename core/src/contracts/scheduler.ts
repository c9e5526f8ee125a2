/** A scheduled task; `stop()` cancels future runs and resolves when a run in flight has finished. */
export interface ScheduledTask {
  stop(): Promise<void>
}

/** How a task is scheduled. */
export interface ScheduleOptions {
  /** The IANA time zone the cron expression is read in (`0 7 * * *` is 07:00 there, DST included). @default 'UTC' */
  timeZone?: string
}

/**
 * Runs tasks on a cron schedule. A run that is still going when the next is due is skipped (no overlap).
 * Errors: `config` for an invalid cron expression or time zone, from `validate` and from `schedule`.
 */
export interface Scheduler {
  /** Throws a `config` error that says what is wrong when `cron` is not an expression this scheduler runs (or the zone not one it knows). */
  validate(name: string, cron: string, options?: ScheduleOptions): void
  schedule(name: string, cron: string, task: () => Promise<void>, options?: ScheduleOptions): ScheduledTask
}
