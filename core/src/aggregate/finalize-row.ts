import type { Scalar } from '../schema/value-kind'
import type { ViewDef } from '../view/define-view'
import type { PartialRow } from './partial-row'

/** Turns a partial row into an answer row: `{ windowStart, ...keys, ...measures }`. */
export function finalizeRow(view: ViewDef, row: PartialRow): Record<string, Scalar> {
  const out: Record<string, Scalar> = { windowStart: row.windowStart }
  view.keys.forEach((k, i) => (out[k.name] = row.keys[i]!))
  for (const m of view.measures) {
    out[m.name] = m.measure.finalize(row.cells.slice(m.firstCell, m.firstCell + m.measure.cells.length))
  }
  return out
}
