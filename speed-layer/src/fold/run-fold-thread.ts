import type { MessagePort } from 'node:worker_threads'
import { PiiMasking, pipelineExport, TwinflowError } from '@twinflow/core'
import type { FoldRequest, FoldThreadData, FoldThreadMessage } from './fold-thread-messages.ts'
import { PackedRecords } from './packed-records.ts'
import { pipelineFingerprint, type PipelineFingerprint } from './pipeline-fingerprint.ts'
import { FoldError, StreamFold } from './stream-fold.ts'

/**
 * A fold thread's life: import the pipeline module, compile every stream's fold, post `ready`
 * with the pipeline's fingerprint, then answer each request with the first pass of its batch.
 * A request that throws gets `failed` (with the view and offset of a `FoldError`); the thread
 * goes on with the next one.
 */
export async function runFoldThread(port: MessagePort, data: FoldThreadData): Promise<void> {
  const post = (message: FoldThreadMessage) => port.postMessage(message)
  let folds: Map<string, StreamFold>
  let fingerprint: PipelineFingerprint
  try {
    for (const url of data.preload) await import(url)
    const module = (await import(data.pipelineModule)) as Record<string, unknown>
    const pipeline = pipelineExport(module)
    if (!pipeline) throw new Error('it exports no pipeline (export const pipeline = definePipeline(...), or a default export)')
    const masking = new PiiMasking(pipeline.streams, data.piiSecret)
    folds = new Map(
      pipeline.streams
        .filter((s) => pipeline.viewsOf(s.name).length > 0)
        .map((s) => [s.name, new StreamFold(s, pipeline.viewsOf(s.name), { maxEventBytes: data.maxEventBytes, masking })]),
    )
    fingerprint = pipelineFingerprint(pipeline)
  } catch (error) {
    post({ type: 'init-failed', message: `cannot load the pipeline module ${data.pipelineModule}: ${error instanceof Error ? error.message : String(error)}` })
    return
  }
  port.on('message', (request: FoldRequest) => {
    try {
      const fold = folds.get(request.stream)
      if (!fold) throw new Error(`the pipeline has no stream "${request.stream}"`)
      post({ type: 'result', id: request.id, outcome: fold.foldFirst(new PackedRecords(request), request.cutoffs) })
    } catch (error) {
      // A FoldError's own message is rebuilt by the pool: send its cause's.
      const cause = error instanceof FoldError ? error.cause : error
      const e = cause instanceof Error ? cause : new Error(String(cause))
      post({
        type: 'failed',
        id: request.id,
        message: e.message,
        ...(e.stack === undefined ? {} : { stack: e.stack }),
        ...(error instanceof FoldError ? { view: error.view, offset: error.offset } : {}),
        ...(TwinflowError.is(cause) ? { twinflow: { kind: cause.kind, retriable: cause.retriable } } : {}),
      })
    }
  })
  post({ type: 'ready', fingerprint })
}
