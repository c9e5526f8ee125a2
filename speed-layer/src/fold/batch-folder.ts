import { isMasked, type Delta, type LogBatch } from '@twinflow/core'
import type { FirstPass, FoldRecords, StreamFold } from './stream-fold.ts'

/** The first pass over a batch: its deltas (one per view, window and keys) and what `FirstPass` collects. */
export interface FoldOutcome extends FirstPass {
  deltas: Delta[]
}

/**
 * Where the first pass of each batch runs: on the event loop (`inlineFolder`) or in fold threads
 * (`FoldPool`). Both run the same `StreamFold` code, so a batch folds to the same outcome either
 * way (a fold thread runs its own compilation of the stream `fold` names, from the same
 * declarations). `fold` rejects with `FoldError` when a view's evaluation throws, with what was
 * thrown when anything else of the fold throws (a field type's parser; from a thread, an `Error`
 * with its message and stack, or a `TwinflowError` with its kind and retriability), with a
 * retriable `unavailable` TwinflowError when the fold could not run (a fold thread died, or the
 * pool is closed), and with `signal`'s reason once it aborts (the fold's result is dropped).
 */
export interface BatchFolder {
  fold(fold: StreamFold, batch: LogBatch, cutoffs: readonly number[], signal?: AbortSignal): Promise<FoldOutcome>
}

/** A log batch's records as `FoldRecords`. */
export function logRecords(batch: LogBatch): FoldRecords {
  const { records } = batch
  return {
    length: records.length,
    offset: (i) => records[i]!.offset,
    timestamp: (i) => records[i]!.timestamp,
    payload: (i) => records[i]!.value,
    masked: (i) => isMasked(records[i]!.headers),
  }
}

/** Folds on the event loop. */
export const inlineFolder: BatchFolder = {
  async fold(fold, batch, cutoffs) {
    return fold.foldFirst(logRecords(batch), cutoffs)
  },
}
