import type { TwinflowErrorKind } from '@twinflow/core'
import type { FoldOutcome } from './batch-folder.ts'
import type { PipelineFingerprint } from './pipeline-fingerprint.ts'
import type { PackedRecordsData } from './packed-records.ts'

/** What a fold thread is started with (its `workerData`). */
export interface FoldThreadData {
  /** File URL of the module that exports the pipeline (`pipeline` or default), as the config names it. */
  pipelineModule: string
  /** File URLs imported, in order, before the pipeline module. */
  preload: string[]
  maxEventBytes: number
  /** The masking secret of personal fields (see PiiMasking), null without one. */
  piiSecret: string | null
}

/** A batch to fold: the stream's name, the views' cutoffs in the stream's view order, the records. */
export interface FoldRequest extends PackedRecordsData {
  id: number
  stream: string
  cutoffs: readonly number[]
}

/** What a fold thread posts: once `ready` (or `init-failed`), then one `result` or `failed` per request. */
export type FoldThreadMessage =
  | { type: 'ready'; fingerprint: PipelineFingerprint }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; outcome: FoldOutcome }
  | { type: 'failed'; id: number; message: string; stack?: string; view?: string; offset?: number; twinflow?: { kind: TwinflowErrorKind; retriable: boolean } }
