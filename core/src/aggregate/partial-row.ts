import type { CellValue } from '../measures/cell.ts'
import type { Scalar } from '../schema/value-kind.ts'

/**
 * A partial aggregate of one group of a view: its window start, its key values (in the view's key
 * order) and its cell states (in the view's cell order). Partial rows from batch, speed, sub-windows,
 * partitions and retries all merge by `mergeInto`.
 */
export interface PartialRow {
  windowStart: number
  /** Null where a nullable key is null. */
  keys: (Scalar | null)[]
  /** Cell states: numbers, and canonical lists for sketch cells (see CellSpec). */
  cells: CellValue[]
}

/** A stable identity of (window, keys), for maps. */
export function groupId(windowStart: number, keys: readonly (Scalar | null)[]): string {
  return keys.length === 0 ? String(windowStart) : `${windowStart}\u0000${JSON.stringify(keys)}`
}

/**
 * A map key of a tuple of key values, for maps of the groups of one window: the value itself when
 * there is one key (no string is built, for the per-row hot paths), `null` when there is none, the
 * JSON of the keys otherwise.
 */
export function keysId(keys: readonly (Scalar | null)[]): unknown {
  return keys.length === 1 ? keys[0] : keys.length === 0 ? null : JSON.stringify(keys)
}
