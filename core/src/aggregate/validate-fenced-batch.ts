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
      const cell = view.cells[i]!
      const problem =
        cell.spec.op === 'registers' || cell.spec.op === 'buckets'
          ? sketchProblem(cell.spec.op, cell.spec.precision!, c)
          : typeof c !== 'number' || Number.isNaN(c)
            ? 'not a number'
            : null
      if (problem) fail(`cell "${cell.column}" is ${JSON.stringify(c)?.slice(0, 80) ?? String(c)}: ${problem}`)
    })
    return view
  })
}

/** Why a sketch cell's value is not in its canonical form, or null. */
function sketchProblem(op: 'registers' | 'buckets', precision: number, value: unknown): string | null {
  if (!Array.isArray(value)) return 'a sketch must be a list of integers'
  if (op === 'registers') {
    let last = -1
    for (const register of value) {
      if (!Number.isSafeInteger(register)) return 'registers must be integers'
      const index = Math.floor(register / 64)
      const rank = register % 64
      if (index <= last || index >= 2 ** precision || rank < 1 || rank > 65 - precision) return 'registers must be index * 64 + rank, ascending by index'
      last = index
    }
    return null
  }
  if (value.length % 2 !== 0) return 'buckets must be [key, count] pairs'
  for (let i = 0; i < value.length; i += 2) {
    if (!Number.isSafeInteger(value[i]) || !Number.isSafeInteger(value[i + 1]) || value[i + 1] < 1) return 'buckets must be integer keys with positive counts'
    if (i > 0 && value[i] <= value[i - 2]) return 'bucket keys must ascend'
  }
  return null
}
