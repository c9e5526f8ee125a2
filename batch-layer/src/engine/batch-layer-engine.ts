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

/** A file to load into a stream's master table: its identity is the SHA-256 of its content. */
export interface LoadFile {
  /** Hex SHA-256 of the file's bytes (64 lowercase hex digits). */
  sha256: string
  /** Where it was read from (for the record only). */
  path: string
  bytes: number
}

/**
 * Where a file's load stands: its `_partition` in the master table, and either `complete` (every
 * row is in: nothing to do) or the row to resume from (`nextRow`: after the highest row stored).
 */
export interface LoadState {
  partition: number
  complete: boolean
  nextRow: number
  /** Rows stored already (all of them when complete) and how many of them were rejected. */
  rows: number
  rejected: number
}

/**
 * What the batch layer needs of its engine beyond core's BatchEngine contract: storing rejected
 * records, and the view's version tables listed and dropped by the runner, which read them with
 * the run's first reads. (Proposed for core's contract; see the batch layer's notes.)
 */
export interface BatchLayerEngine extends BatchEngine {
  /** Appends the records of one log batch, accepted and rejected, in ONE atomic insert. */
  ingest(stream: string, records: readonly ArchivedRecord[]): Promise<void>
  /** `ingest` of rows written as masterTsv lines in UTF-8 (no objects built), in ONE atomic insert. */
  ingestTsv(stream: string, text: Uint8Array): Promise<void>
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
  /**
   * Starts or resumes loading a file into a stream's master table (not through the log): the
   * file's partition, at or above LOAD_PARTITION_BASE, is the one the catalog gave its SHA-256
   * before, else a new one (see the engine for how). Rows are then appended with `ingest` or `ingestTsv` (one
   * atomic insert per block, in row order, one block at a time: the next block only after the
   * previous one is in), with `partition` and `offset` = the row number.
   */
  beginLoad(stream: string, file: LoadFile): Promise<LoadState>
  /** What a load's partition holds: the row to resume from (after its highest stored row; 0 when none), and its rejected rows. */
  loadProgress(stream: string, partition: number): Promise<{ nextRow: number; rows: number; rejected: number }>
  /** Records that every row of the file is in (`rows` in all, `rejected` of them). Idempotent. */
  completeLoad(stream: string, file: LoadFile, state: { partition: number; rows: number; rejected: number }): Promise<void>
}
