import type { ReportRunRecord } from '../report/report-run.ts'
import type { PartialRow } from '../aggregate/partial-row.ts'
import type { Scalar } from '../schema/value-kind.ts'
import type { Pipeline } from '../view/define-pipeline.ts'
import type { WindowSize } from '../window/window-size.ts'

/** A validated event with its position in the log, as the archiver stores it. */
export interface ArchivedEvent {
  partition: number
  offset: number
  event: Record<string, unknown>
}

/** A published batch version of a view: windows strictly before `cutoff` come from it. */
export interface Publication {
  view: string
  version: number
  cutoff: number
  publishedAt: number
}

/** A stream's event-time watermarks: see BatchEngine.eventTimeWatermarks. */
export interface EventTimeWatermarks {
  /** Newest event time archived from the log: the stream's event-time frontier. */
  log: number | null
  /** Newest event time of history loaded straight into the master table (not through the log). */
  loaded: number | null
}

export type BatchRunStatus = 'running' | 'succeeded' | 'failed'

/** One attempt of a batch run of a view. */
export interface BatchRun {
  runId: string
  view: string
  attempt: number
  status: BatchRunStatus
  startedAt: number
  finishedAt: number | null
  /**
   * The run's cutoff: the batch version covers event time before it. While the run waits for the
   * archiver, the clock's bound (held at the served cutoff); then the one it builds at (see the
   * batch layer's batchCutoff: it follows the stream's event-time watermarks).
   */
  cutoff: number
  version: number
  rows: number
  error: string | null
}

/** Buckets that windows are merged into: a window size (a multiple of the view's window), or calendar months (UTC). */
export type BucketSize = WindowSize | '1mo'

/** Windows of a batch version, of some groups, merged into buckets: what `countRows` and `readPage` select. */
export interface WindowSelection {
  /** The windows with from <= windowStart < to. */
  from: number
  to: number
  /** The buckets the windows are merged into (by the measures' monoids). @default the view's window */
  bucket?: BucketSize
  /** Per key, by name: the values the row's key must be one of (every listed key must match). */
  keys?: Readonly<Record<string, readonly Scalar[]>>
}

/** One term of an order: `windowStart` (the bucket start), a key, or a measure (by its finalized value). */
export interface SortTerm {
  field: string
  direction: 'ASC' | 'DESC'
}

/** A keyset page of a selection: the first `limit` rows in `orderBy` strictly after the sort values `after`. */
export interface PageSelection extends WindowSelection {
  /** A total order (terms that end with the window start and every key), else ties fall in any order. */
  orderBy: readonly SortTerm[]
  /** One value per term: the sort values of the row the page starts after (a nullable term's may be null); null: from the first row. */
  after: readonly (Scalar | null)[] | null
  limit: number
}

/**
 * The batch layer's storage and compute: an append-only master table per stream (all history),
 * versioned batch views, publications and run history.
 *
 * Lifecycle: `start(pipeline)` creates what is missing (idempotent DDL); then any calls; `stop()`.
 * Errors: `unavailable` (retriable) when the engine cannot be reached; `conflict` when a version
 * is already published; `internal` when the engine rejects a statement.
 */
export interface BatchEngine {
  start(pipeline: Pipeline): Promise<void>
  stop(): Promise<void>
  /** Appends archived events of one log batch in ONE atomic insert. */
  ingest(stream: string, events: readonly ArchivedEvent[]): Promise<void>
  /**
   * Highest archived offset per partition of a stream (the archiver resumes after it). Exact, and
   * its cost grows with the stream's history. With `lowerBound`, a cheap answer that is never
   * above the exact one (it may be below, e.g. after an insert that failed half way): enough to
   * tell that the archiver has caught up, not to resume from.
   */
  archivedOffsets(stream: string, options?: { lowerBound?: boolean }): Promise<Map<number, number>>
  /**
   * The newest event time of a stream's accepted events in its master table: of those archived
   * from the log, and of history loaded straight into it (null: none). Cheap reads that may lag
   * the table, never lead it.
   */
  eventTimeWatermarks(stream: string): Promise<EventTimeWatermarks>
  /**
   * How many inputs of a stream the archiver rejected, all time: they are kept in the master table
   * with their reason, so this count is durable and the same from every process.
   */
  rejectedCount(stream: string): Promise<number>
  /** Recomputes a view from the master table for event time < cutoff into the NEW version table. Returns its row count. */
  buildVersion(view: string, version: number, cutoff: number): Promise<number>
  /** Makes (version, cutoff) the view's served version, atomically. Readers never see a half-built version. */
  publish(view: string, version: number, cutoff: number): Promise<Publication>
  /** The served publication, if any. */
  currentPublication(view: string): Promise<Publication | null>
  /** Every publication of a view, newest first; only the newest `limit` (an integer >= 1, else a `validation` error) when given. */
  publications(view: string, limit?: number): Promise<Publication[]>
  /** Rows of a published version with from <= windowStart < to. */
  readWindows(view: string, version: number, from: number, to: number): Promise<PartialRow[]>
  /** How many rows a selection of a version has once merged into its buckets (one per bucket and group). */
  countRows(view: string, version: number, selection: WindowSelection): Promise<number>
  /**
   * A page of a selection of a version, ordered and cut by the engine (reading the page costs the
   * selection's scan, not its transfer): its rows merged into the buckets (`windowStart` is the
   * bucket's start). The order is JavaScript's on the finalized values, with strings in code point
   * order (UTF-8 byte order), false < true and null before every value: a measure is compared by
   * the value its `finalize` gives (avg: sum / count as a double). A term or a key that the view
   * does not have, a measure that cannot order rows (`finalizeSql` null: distinct, quantiles), or a
   * value of another kind, is a `validation` error.
   */
  readPage(view: string, version: number, page: PageSelection): Promise<PartialRow[]>
  /** Drops version tables older than `keepVersion` that are no longer served. Returns the versions dropped. */
  dropVersionsBefore(view: string, keepVersion: number): Promise<number[]>
  /** Appends a run record (the newest record of a run id wins). */
  recordRun(run: BatchRun): Promise<void>
  /**
   * Latest state of the newest runs of a view (or of all views), newest first. A run has
   * succeeded once its version is published: a 'succeeded' record whose (view, version) has no
   * publication reads as 'running' with `finishedAt` null (the record may be written alongside the
   * publication, and a process may stop between the two).
   */
  runs(view: string | null, limit: number): Promise<BatchRun[]>
  /** Appends the record of a report run (the newest record of a run id wins): the report role's history, durable and the same from every process. */
  recordReportRun(run: ReportRunRecord): Promise<void>
  /** The latest record of one report run, or null when none was recorded. */
  reportRun(runId: string): Promise<ReportRunRecord | null>
  /** Latest state of the newest runs of a report (or of all reports), newest scheduled first. */
  reportRuns(report: string | null, limit: number): Promise<ReportRunRecord[]>
}
