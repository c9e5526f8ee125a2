import { compileEvaluator, type Evaluator } from '../expr/evaluate.ts'
import type { Scalar } from '../schema/value-kind.ts'
import type { ViewDef } from '../view/define-view.ts'
import { windowStart } from '../window/window-size.ts'

export interface EvaluatedEvent {
  windowStart: number
  keys: (Scalar | null)[]
  /** The event's contribution to each cell (see CellSpec.lift; eventCells turns them into cell states). */
  cells: number[]
}

/**
 * Compiles a view to a function of one validated event: `null` when the view's filter drops it,
 * else its window, keys and cell contributions. This is the speed layer's side of the SQL/JS pair.
 *
 * Given `into`, the function fills that object (its arrays written in place) and returns it instead
 * of allocating one per event: the speed layer's fold passes one per view, and copies what it keeps.
 */
export function compileViewEvaluator(view: ViewDef): (event: Record<string, unknown>, into?: EvaluatedEvent) => EvaluatedEvent | null {
  const derived = view.derived.map((d) => ({ name: d.name, fn: compileEvaluator(d.node) }))
  const where = view.where ? compileEvaluator(view.where) : null
  const keys = view.keys.map((k) => compileEvaluator(k.node))
  const measureArgs: (Evaluator | null)[] = view.measures.map((m) => (m.measure.arg ? compileEvaluator(m.measure.arg) : null))
  const timeField = view.stream.timeField
  const size = view.windowMs
  const measures = view.measures
  return (event, into) => {
    let row = event
    if (derived.length > 0) {
      row = { ...event }
      for (const d of derived) row[d.name] = d.fn(row)
    }
    if (where && where(row) !== true) return null
    const out = into ?? { windowStart: 0, keys: [], cells: [] }
    const cells = out.cells
    let c = 0
    for (let i = 0; i < measures.length; i++) {
      const arg = measureArgs[i]
      const value = arg ? arg(row) : undefined
      for (const cell of measures[i]!.measure.cells) cells[c++] = cell.lift(value)
    }
    if (cells.length !== c) cells.length = c
    const outKeys = out.keys
    for (let k = 0; k < keys.length; k++) outKeys[k] = keys[k]!(row)
    if (outKeys.length !== keys.length) outKeys.length = keys.length
    out.windowStart = windowStart(row[timeField] as number, size)
    return out
  }
}
