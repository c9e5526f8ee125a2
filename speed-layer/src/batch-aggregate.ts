import { keysId, mergeCells, type Delta, type EvaluatedEvent, type Scalar, type ViewDef } from '@twinflow/core'

interface Group {
  view: ViewDef
  windowStart: number
  keys: Scalar[]
  /** The merged cells of every event added to the group. */
  cells: number[]
}

/**
 * The pre-aggregation of one log batch: one delta per (view, window, keys), merged by the view's
 * cell monoids.
 *
 * This is the speed layer's per-event hot path: groups are found through one map per view and
 * window, keyed by the key value itself when the view has one key (no string is built), by the
 * JSON of the keys otherwise; nothing of an event is kept once it is merged (the part of a group
 * after a fence is recomputed by folding the batch's later records again, see BatchProcessor), so
 * the events of a batch die young and cost the garbage collector little.
 */
export class BatchAggregate {
  readonly #groups: Group[] = []
  readonly #index = new Map<ViewDef, Map<number, Map<unknown, Group>>>()

  get size(): number {
    return this.#groups.length
  }

  /** Adds one event evaluated by `view`. Its `cells` array is not kept. */
  add(view: ViewDef, event: EvaluatedEvent): void {
    let windows = this.#index.get(view)
    if (!windows) this.#index.set(view, (windows = new Map()))
    let groups = windows.get(event.windowStart)
    if (!groups) windows.set(event.windowStart, (groups = new Map()))
    const id = keysId(event.keys)
    const group = groups.get(id)
    if (group) {
      mergeCells(view, group.cells, event.cells)
      return
    }
    const created: Group = { view, windowStart: event.windowStart, keys: event.keys, cells: event.cells.slice() }
    this.#groups.push(created)
    groups.set(id, created)
  }

  /** One delta per group, in the order groups were first seen. */
  deltas(): Delta[] {
    return this.#groups.map(toDelta)
  }

  /** The delta of the group of (view, window, keys), or `null` when no event of it was added. */
  deltaOf(view: ViewDef, windowStart: number, keys: readonly Scalar[]): Delta | null {
    const group = this.#index.get(view)?.get(windowStart)?.get(keysId(keys))
    return group ? toDelta(group) : null
  }
}

const toDelta = (g: Group): Delta => ({ view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells: g.cells.slice() })
