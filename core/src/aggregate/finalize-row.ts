import type { QuantileValues } from '../measures/measure.ts'
import type { Scalar } from '../schema/value-kind.ts'

/** A value of an answer row: a key or a measure (a number, null, or quantile values). */
export type MeasureValue = Scalar | null | QuantileValues
import type { ViewDef, ViewMeasure } from '../view/define-view.ts'
import type { PartialRow } from './partial-row.ts'

/** The answer value of one measure of a partial row (from the measure's cells). */
export function measureValue(m: ViewMeasure, row: PartialRow): MeasureValue {
  return m.measure.finalize(row.cells, m.firstCell)
}

/** Turns a partial row into an answer row: `{ windowStart, ...keys, ...measures }`. */
export function finalizeRow(view: ViewDef, row: PartialRow): Record<string, MeasureValue> {
  const out: Record<string, MeasureValue> = { windowStart: row.windowStart }
  view.keys.forEach((k, i) => (out[k.name] = row.keys[i]!))
  for (const m of view.measures) out[m.name] = measureValue(m, row)
  return out
}
