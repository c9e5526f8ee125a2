import type { ArchivedEvent, BatchEngine } from '@twinflow/core'
import type { DuplicateCheck, MasterTableState } from './master-table-state.ts'

/**
 * A consumed log record as the archiver stores it: an accepted event, or a rejected record, with
 * `error` saying why (its `event` is then ignored and the row holds default values). Rejected
 * records are stored so that the highest stored offset of a partition covers every consumed offset.
 */
export interface ArchivedRecord extends ArchivedEvent {
  error?: string
}

/**
 * What the batch layer needs of its engine beyond core's BatchEngine contract: storing rejected
 * records, and the view's version tables listed and dropped by the runner, which read them with
 * the run's first reads. (Proposed for core's contract; see the batch layer's notes.)
 */
export interface BatchLayerEngine extends BatchEngine {
  /** Appends the records of one log batch, accepted and rejected, in ONE atomic insert. */
  ingest(stream: string, records: readonly ArchivedRecord[]): Promise<void>
  /**
   * The stream's event-time watermarks (as `eventTimeWatermarks`) and which blocks of its master
   * table may hold a record twice, in one cheap read (no scan of the table).
   */
  masterTableState(stream: string): Promise<MasterTableState>
  /**
   * `BatchEngine.buildVersion`, given a duplicate check read before it (with the archiver wait's
   * reads): a hint of the blocks to deduplicate. Whatever the hint, each record counts once: the
   * build checks again after it, and builds again if a block it read as clean got a duplicate.
   */
  buildVersion(view: string, version: number, cutoff: number, duplicates?: DuplicateCheck): Promise<number>
  /** Versions of the view that have a table (published or not), ascending. */
  versions(view: string): Promise<number[]>
  /**
   * Drops the tables of these versions (a version without a table is skipped). Unlike
   * `dropVersionsBefore` it reads nothing first: the caller knows that none of them is served.
   */
  dropVersions(view: string, versions: readonly number[]): Promise<void>
}
