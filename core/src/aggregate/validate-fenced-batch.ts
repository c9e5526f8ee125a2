import { TwinflowError } from '../errors/twinflow-error.ts'
import type { FencedBatch } from '../contracts/realtime-store.ts'
import type { Pipeline } from '../view/define-pipeline.ts'
import type { ViewDef } from '../view/define-view.ts'

/**
 * Checks a fenced batch and every delta against its view before a store applies anything, so that
 * an invalid batch changes nothing. Returns the view of each delta. Shared by every RealtimeStore.
 */
export function validateFencedBatch(pipeline: Pipeline, batch: FencedBatch): ViewDef[] {
  const ok =
    typeof batch.topic === 'string' &&
    batch.topic.length > 0 &&
    Number.isSafeInteger(batch.partition) &&
    batch.partition >= 0 &&
    Number.isSafeInteger(batch.firstOffset) &&
    Number.isSafeInteger(batch.lastOffset) &&
    batch.firstOffset >= 0 &&
    batch.firstOffset <= batch.lastOffset &&
    Array.isArray(batch.deltas)
  if (!ok) {
    throw new TwinflowError(
      'validation',
      `invalid fenced batch: topic ${JSON.stringify(batch.topic)}, partition ${batch.partition}, offsets ${batch.firstOffset}..${batch.lastOffset}`,
      {
        context: { topic: batch.topic, partition: batch.partition },
      },
    )
  }
  return batch.deltas.map((delta, index) => {
    const view = pipeline.view(delta.view)
    const fail = (what: string): never => {
      throw new TwinflowError('validation', `delta ${index} of view "${view.name}": ${what}`, { context: { view: view.name } })
    }
    if (!Number.isSafeInteger(delta.windowStart) || delta.windowStart < 0 || delta.windowStart % view.windowMs !== 0) {
      fail(`windowStart ${delta.windowStart} is not the start of a ${view.window} window`)
    }
    if (!Array.isArray(delta.keys) || delta.keys.length !== view.keys.length) fail(`has ${delta.keys?.length} keys, the view has ${view.keys.length}`)
    delta.keys.forEach((k, i) => {
      if (k === null && view.keys[i]!.nullable) return
      if (typeof k !== 'string' && typeof k !== 'boolean' && !(typeof k === 'number' && Number.isFinite(k))) fail(`key "${view.keys[i]!.name}" is ${String(k)}`)
    })
    if (!Array.isArray(delta.cells) || delta.cells.length !== view.cells.length) fail(`has ${delta.cells?.length} cells, the view has ${view.cells.length}`)
    delta.cells.forEach((c, i) => {
      if (typeof c !== 'number' || Number.isNaN(c)) fail(`cell "${view.cells[i]!.column}" is ${String(c)} (cells must be numbers, not NaN)`)
    })
    return view
  })
}
