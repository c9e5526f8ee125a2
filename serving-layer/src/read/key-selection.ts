import type { PartialRow, Scalar } from '@twinflow/core'

/**
 * The groups a read is narrowed to: rows whose key at `index` is one of `values`. Reads that name
 * one return only those rows (the batch part cache finds them through an index of each cached
 * chunk by that key instead of scanning the chunk).
 */
export interface KeySelection {
  /** The position of the key in the view's keys. */
  index: number
  values: ReadonlySet<Scalar>
  /** The same for equal selections: reads of one request are shared by it. */
  id: string
}

export function selects(keys: KeySelection, row: PartialRow): boolean {
  return keys.values.has(row.keys[keys.index]!)
}
