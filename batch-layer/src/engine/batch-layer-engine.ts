import type { ArchivedEvent, BatchEngine } from '@twinflow/core'

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
 * records, and the next free version number. (Proposed for core's contract; see the batch layer's
 * notes.)
 */
export interface BatchLayerEngine extends BatchEngine {
  /** Appends the records of one log batch, accepted and rejected, in ONE atomic insert. */
  ingest(stream: string, records: readonly ArchivedRecord[]): Promise<void>
  /** 1 + the highest version of the view that is published or has a table (built, maybe unpublished). */
  nextVersion(view: string): Promise<number>
}
