import type { Delta, LogBatch } from '@twinflow/core'
import type { FirstPass, FoldRecords, StreamFold } from './stream-fold'

/** The first pass over a batch: its deltas (one per view, window and keys) and what `FirstPass` collects. */
export interface FoldOutcome extends FirstPass {
  deltas: Delta[]
}

/**
 * Where the first pass of each batch runs: on the event loop (`inlineFolder`) or in fold threads
 * (`FoldPool`). Both run the same `StreamFold`, so a batch folds to the same outcome either way.
 * `fold` rejects with `FoldError` when a view's evaluation throws, with what was thrown when
 * anything else of the fold throws (a field type's parser), and with a retriable `unavailable`
 * TwinflowError when the fold could not run (a fold thread died, or the pool is closed).
 */
export interface BatchFolder {
  fold(fold: StreamFold, batch: LogBatch, cutoffs: readonly number[]): Promise<FoldOutcome>
}

/** A log batch's records as `FoldRecords`. */
export function logRecords(batch: LogBatch): FoldRecords {
  const { records } = batch
  return { length: records.length, offset: (i) => records[i]!.offset, payload: (i) => records[i]!.value }
}

/** Folds on the event loop. */
export const inlineFolder: BatchFolder = {
  async fold(fold, batch, cutoffs) {
    const first = fold.firstPass()
    const aggregate = fold.fold(logRecords(batch), cutoffs, -1, first)
    return { ...first, deltas: aggregate.deltas() }
  },
}
