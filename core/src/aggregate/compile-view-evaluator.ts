import { compileEvaluator, type Evaluator } from '../expr/evaluate'
import type { Scalar } from '../schema/value-kind'
import type { ViewDef } from '../view/define-view'
import { windowStart } from '../window/window-size'

export interface EvaluatedEvent {
  windowStart: number
  keys: Scalar[]
  /** The event's contribution to each cell. */
  cells: number[]
}

/**
 * Compiles a view to a function of one validated event: `null` when the view's filter drops it,
 * else its window, keys and cell contributions. This is the speed layer's side of the SQL/JS pair.
 */
export function compileViewEvaluator(view: ViewDef): (event: Record<string, unknown>) => EvaluatedEvent | null {
  const derived = view.derived.map((d) => ({ name: d.name, fn: compileEvaluator(d.node) }))
  const where = view.where ? compileEvaluator(view.where) : null
  const keys = view.keys.map((k) => compileEvaluator(k.node))
  const measureArgs: (Evaluator | null)[] = view.measures.map((m) => (m.measure.arg ? compileEvaluator(m.measure.arg) : null))
  const timeField = view.stream.timeField
  const size = view.windowMs
  const measures = view.measures
  return (event) => {
    let row = event
    if (derived.length > 0) {
      row = { ...event }
      for (const d of derived) row[d.name] = d.fn(row)
    }
    if (where && where(row) !== true) return null
    const cells: number[] = []
    for (let i = 0; i < measures.length; i++) {
      const arg = measureArgs[i]
      const value = arg ? (arg(row) as number) : undefined
      for (const cell of measures[i]!.measure.cells) cells.push(cell.lift(value))
    }
    return { windowStart: windowStart(row[timeField] as number, size), keys: keys.map((k) => k(row)), cells }
  }
}
