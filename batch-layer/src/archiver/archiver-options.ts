/** Options of the archiver (the log → master table copier). */
export interface ArchiverOptions {
  /** Consumer group of the archivers (several processes of one group share the partitions). @default 'twinflow-archiver' */
  groupId?: string
  /** Upper bound of records per log batch, hence per insert (ClickHouse prefers few large inserts). @default 5000 */
  maxBatchSize?: number
  /** Retries of one batch's insert before the batch fails (the log then redelivers it). @default 5 */
  retries?: number
  /** Delay before the first retry of an insert, in ms (doubled each time). @default 200 */
  initialRetryDelayMs?: number
}

export type ResolvedArchiverOptions = Required<ArchiverOptions>

export const ARCHIVER_DEFAULTS: ResolvedArchiverOptions = { groupId: 'twinflow-archiver', maxBatchSize: 5000, retries: 5, initialRetryDelayMs: 200 }
