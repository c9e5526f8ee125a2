/** Options of the batch runner (recompute, publish, clean up). */
export interface BatchRunnerOptions {
  /**
   * Published versions to keep per view, the served one included: older version tables are
   * dropped after a publish. 2 keeps the previous version for readers still in flight.
   * @default 2
   */
  keepVersions?: number
  /** Retries of a failed run (waiting, building, publishing), with exponential backoff. @default 3 */
  retries?: number
  /** Delay before the first retry of a run, in ms (doubled each time). @default 1000 */
  initialRetryDelayMs?: number
  /** How long a run waits for the archiver to archive what the log held when the run began, in ms. @default 60000 */
  waitTimeoutMs?: number
  /** How often a run checks the archiver's progress while waiting, in ms. @default 250 */
  pollIntervalMs?: number
}

export type ResolvedBatchRunnerOptions = Required<BatchRunnerOptions>

export const BATCH_RUNNER_DEFAULTS: ResolvedBatchRunnerOptions = { keepVersions: 2, retries: 3, initialRetryDelayMs: 1000, waitTimeoutMs: 60_000, pollIntervalMs: 250 }
