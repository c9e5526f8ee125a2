import { cellIdentity, combineCell, type CellValue } from '../measures/cell.ts'
import type { ViewDef } from '../view/define-view.ts'
import { keysId, type PartialRow } from './partial-row.ts'

/** Identity cell values of a view (count 0, sum 0, min +Inf, max -Inf, empty sketches). */
export function emptyCells(view: ViewDef): CellValue[] {
  return view.cells.map((c) => cellIdentity(c.spec.op))
}

/** target.cells ⊕= source.cells, by each cell's monoid (sketches are replaced by merged copies, never changed in place). */
export function mergeCells(view: ViewDef, target: CellValue[], source: readonly CellValue[]): void {
  const cells = view.cells
  for (let i = 0; i < cells.length; i++) target[i] = combineCell(cells[i]!.spec.op, target[i]!, source[i]!)
}

/** Maps a window start to the start of its bucket (e.g. `monthStart` for calendar months). */
export type BucketOf = (windowStart: number) => number

/**
 * Rows merged into buckets, at most one per group and bucket and each aligned to its bucket, with
 * their index (bucket start → keysId → position), built once by `indexMerged` and then shared:
 * never mutated. `mergeRows` merges further rows into them without indexing them again.
 */
export interface MergedRows {
  readonly rows: readonly PartialRow[]
  readonly index: ReadonlyMap<number, ReadonlyMap<unknown, number>>
}

/** Merges `rows` into buckets (as `mergeRows`) and indexes the result, for merges into it later. */
export function indexMerged(view: ViewDef, rows: Iterable<PartialRow>, granularity: number | BucketOf = view.windowMs): MergedRows {
  const merged = mergeRows(view, rows, granularity)
  const index = new Map<number, Map<unknown, number>>()
  merged.forEach((row, i) => {
    let groups = index.get(row.windowStart)
    if (!groups) index.set(row.windowStart, (groups = new Map()))
    groups.set(keysId(row.keys), i)
  })
  return { rows: merged, index }
}

/**
 * Merges partial rows into coarser buckets: `granularityMs` (a multiple of the view's window), or
 * a bucket function for buckets of uneven length such as calendar months. Rows of the same bucket
 * and keys are combined by the measures' monoids, in the order their groups were first seen.
 *
 * With `base` (rows already merged into the same buckets, indexed), the result is base's rows with
 * `rows` merged into them, then the groups base does not have: only `rows` are looked up and
 * indexed, so merging a few fresh rows into many cached ones costs the few.
 *
 * Input is not mutated, and the output shares what it can: a row whose window start is its
 * bucket's and which is the only row of its group is returned as it is (a served answer's batch
 * rows mostly are: the batch part comes merged into the answer's buckets), so callers must not
 * mutate the rows they get back. Only groups of several rows, or realigned to a bucket, are copies.
 */
export function mergeRows(view: ViewDef, rows: Iterable<PartialRow>, granularity: number | BucketOf = view.windowMs, base?: MergedRows): PartialRow[] {
  const bucketOf: BucketOf = typeof granularity === 'function' ? granularity : (start) => start - (start % granularity)
  // One map of groups per bucket, by keysId, to the group's index in the output: this runs for
  // every row of every served answer (base's groups are found in its own index).
  const buckets = new Map<number, Map<unknown, number>>()
  const merged: PartialRow[] = base ? base.rows.slice() : []
  // The output rows this call created (its own to merge into); the others are input rows.
  const created = new Set<PartialRow>()
  for (const row of rows) {
    const windowStart = bucketOf(row.windowStart)
    const id = keysId(row.keys)
    let at = base?.index.get(windowStart)?.get(id)
    if (at === undefined) {
      let groups = buckets.get(windowStart)
      if (!groups) buckets.set(windowStart, (groups = new Map()))
      at = groups.get(id)
      if (at === undefined) {
        groups.set(id, merged.length)
        if (windowStart === row.windowStart) merged.push(row)
        else {
          const copy = { windowStart, keys: row.keys, cells: row.cells.slice() }
          created.add(copy)
          merged.push(copy)
        }
        continue
      }
    }
    let target = merged[at]!
    if (!created.has(target)) {
      target = { windowStart, keys: target.keys, cells: target.cells.slice() }
      created.add(target)
      merged[at] = target
    }
    mergeCells(view, target.cells, row.cells)
  }
  return merged
}
