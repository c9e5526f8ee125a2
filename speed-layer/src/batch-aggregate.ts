import { mergeCells, type Delta, type EvaluatedEvent, type Scalar, type ViewDef } from '@twinflow/core'

interface Group {
  view: ViewDef
  windowStart: number
  keys: Scalar[]
  /** The merged cells of every contribution. */
  cells: number[]
  /** Each event's offset and cells (parallel arrays), to recompute the part after a fence. */
  offsets: number[]
  contributions: number[][]
}

/**
 * The pre-aggregation of one log batch: one delta per (view, window, keys), merged by the view's
 * cell monoids, which keeps each event's contribution so that the part of a group after a fence
 * (the store's `overlap` outcome) can be recomputed exactly.
 *
 * This is the speed layer's per-event hot path: groups are found through one map per view and
 * window, keyed by the key value itself when the view has one key (no string is built), by the
 * JSON of the keys otherwise.
 */
export class BatchAggregate {
  readonly #groups: Group[] = []
  readonly #index = new Map<ViewDef, Map<number, Map<unknown, Group>>>()

  get size(): number {
    return this.#groups.length
  }

  /** Adds one event (at `offset`) evaluated by `view`. */
  add(view: ViewDef, offset: number, event: EvaluatedEvent): void {
    let windows = this.#index.get(view)
    if (!windows) this.#index.set(view, (windows = new Map()))
    let groups = windows.get(event.windowStart)
    if (!groups) windows.set(event.windowStart, (groups = new Map()))
    const keys = event.keys
    const id = keys.length === 1 ? keys[0] : keys.length === 0 ? null : JSON.stringify(keys)
    const group = groups.get(id)
    if (group) {
      mergeCells(view, group.cells, event.cells)
      group.offsets.push(offset)
      group.contributions.push(event.cells)
      return
    }
    const created: Group = { view, windowStart: event.windowStart, keys, cells: [...event.cells], offsets: [offset], contributions: [event.cells] }
    this.#groups.push(created)
    groups.set(id, created)
  }

  /** One delta per group, in the order groups were first seen. */
  deltas(): Delta[] {
    return this.#groups.map((g) => ({ view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells: [...g.cells] }))
  }

  /** The delta of group `index` (as in `deltas()`) from its events with offset > `fence` only, or `null` when there are none. */
  deltaAfter(index: number, fence: number): Delta | null {
    const g = this.#groups[index]!
    let cells: number[] | null = null
    for (let i = 0; i < g.offsets.length; i++) {
      if (g.offsets[i]! <= fence) continue
      if (cells === null) cells = [...g.contributions[i]!]
      else mergeCells(g.view, cells, g.contributions[i]!)
    }
    return cells === null ? null : { view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells }
  }
}
