import { z } from 'zod'

/** Options of the archiver (the log → master table copier): `batch.archiver` in the config. */
export const archiverOptionsSchema = z.strictObject({
  /** Consumer group of the archivers (several processes of one group share the partitions). @default 'twinflow-archiver' */
  groupId: z.string().regex(/\S/).describe('a non-empty string').default('twinflow-archiver'),
  /** Upper bound of records per log batch, hence per insert (ClickHouse prefers few large inserts). @default 5000 */
  maxBatchSize: z.int().min(1).default(5000),
  /** Retries of one batch's insert before the batch fails (the log then redelivers it). @default 5 */
  retries: z.int().min(0).default(5),
  /** Delay before the first retry of an insert, in ms (doubled each time). @default 200 */
  initialRetryDelayMs: z.int().min(0).default(200),
})

export type ArchiverOptions = z.input<typeof archiverOptionsSchema>
export type ResolvedArchiverOptions = z.output<typeof archiverOptionsSchema>

/** The defaults, from the schema. */
export const ARCHIVER_DEFAULTS: ResolvedArchiverOptions = archiverOptionsSchema.parse({})
