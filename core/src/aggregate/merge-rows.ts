import { CELL_IDENTITY, combineCell } from '../measures/cell'
import type { ViewDef } from '../view/define-view'
import { keysId, type PartialRow } from './partial-row'

/** Identity cell values of a view (count 0, sum 0, min +Inf, max -Inf). */
export function emptyCells(view: ViewDef): number[] {
  return view.cells.map((c) => CELL_IDENTITY[c.spec.op])
}

/** target.cells ⊕= source.cells, by each cell's monoid. */
export function mergeCells(view: ViewDef, target: number[], source: readonly number[]): void {
  const cells = view.cells
  for (let i = 0; i < cells.length; i++) target[i] = combineCell(cells[i]!.spec.op, target[i]!, source[i]!)
}

/** Maps a window start to the start of its bucket (e.g. `monthStart` for calendar months). */
export type BucketOf = (windowStart: number) => number

/**
 * Merges partial rows into coarser buckets: `granularityMs` (a multiple of the view's window), or
 * a bucket function for buckets of uneven length such as calendar months. Rows of the same bucket
 * and keys are combined by the measures' monoids. Input is not mutated.
 */
export function mergeRows(view: ViewDef, rows: Iterable<PartialRow>, granularity: number | BucketOf = view.windowMs): PartialRow[] {
  const bucketOf: BucketOf = typeof granularity === 'function' ? granularity : (start) => start - (start % granularity)
  // One map of groups per bucket, by keysId: this runs for every row of every served answer.
  const buckets = new Map<number, Map<unknown, PartialRow>>()
  const merged: PartialRow[] = []
  for (const row of rows) {
    const windowStart = bucketOf(row.windowStart)
    let groups = buckets.get(windowStart)
    if (!groups) buckets.set(windowStart, (groups = new Map()))
    const id = keysId(row.keys)
    const existing = groups.get(id)
    if (existing) mergeCells(view, existing.cells, row.cells)
    else {
      const created = { windowStart, keys: row.keys, cells: row.cells.slice() }
      groups.set(id, created)
      merged.push(created)
    }
  }
  return merged
}
