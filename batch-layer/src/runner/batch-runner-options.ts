import { z } from 'zod'

/** Options of the batch runner (recompute, publish, clean up): `batch.runner` in the config. */
export const batchRunnerOptionsSchema = z.strictObject({
  /**
   * Published versions to keep per view, the served one included: older version tables are
   * dropped after a publish. 2 keeps the previous version for readers still in flight.
   * @default 2
   */
  keepVersions: z.int().min(1).default(2),
  /** Retries of a failed run (waiting, building, publishing), with exponential backoff. @default 3 */
  retries: z.int().min(0).default(3),
  /** Delay before the first retry of a run, in ms (doubled each time). @default 1000 */
  initialRetryDelayMs: z.int().min(0).default(1000),
  /** How long a run waits for the archiver to archive what the log held when the run began, in ms. @default 60000 */
  waitTimeoutMs: z.int().min(0).default(60_000),
  /** How often a run checks the archiver's progress while waiting, in ms. @default 250 */
  pollIntervalMs: z.int().min(1).default(250),
})

export type BatchRunnerOptions = z.input<typeof batchRunnerOptionsSchema>
export type ResolvedBatchRunnerOptions = z.output<typeof batchRunnerOptionsSchema>

/** The defaults, from the schema. */
export const BATCH_RUNNER_DEFAULTS: ResolvedBatchRunnerOptions = batchRunnerOptionsSchema.parse({})
