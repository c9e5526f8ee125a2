import { groupId, mergeCells, type Delta, type EvaluatedEvent, type Scalar, type ViewDef } from '@twinflow/core'

interface Group {
  view: ViewDef
  windowStart: number
  keys: Scalar[]
  /** The merged cells of every contribution. */
  cells: number[]
  /** Each event's offset and cells, to recompute the part after a fence. */
  contributions: { offset: number; cells: number[] }[]
}

/**
 * The pre-aggregation of one log batch: one delta per (view, window, keys), merged by the view's
 * cell monoids, which keeps each event's contribution so that the part of a group after a fence
 * (the store's `overlap` outcome) can be recomputed exactly.
 */
export class BatchAggregate {
  readonly #groups: Group[] = []
  readonly #index = new Map<string, Group>()

  get size(): number {
    return this.#groups.length
  }

  /** Adds one event (at `offset`) evaluated by `view`. */
  add(view: ViewDef, offset: number, event: EvaluatedEvent): void {
    const id = `${view.name}\u0000${groupId(event.windowStart, event.keys)}`
    const group = this.#index.get(id)
    if (group) {
      mergeCells(view, group.cells, event.cells)
      group.contributions.push({ offset, cells: event.cells })
      return
    }
    const created: Group = { view, windowStart: event.windowStart, keys: event.keys, cells: [...event.cells], contributions: [{ offset, cells: event.cells }] }
    this.#groups.push(created)
    this.#index.set(id, created)
  }

  /** One delta per group, in the order groups were first seen. */
  deltas(): Delta[] {
    return this.#groups.map((g) => ({ view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells: [...g.cells] }))
  }

  /** The delta of group `index` (as in `deltas()`) from its events with offset > `fence` only, or `null` when there are none. */
  deltaAfter(index: number, fence: number): Delta | null {
    const g = this.#groups[index]!
    const after = g.contributions.filter((c) => c.offset > fence)
    if (after.length === 0) return null
    const cells = [...after[0]!.cells]
    for (let i = 1; i < after.length; i++) mergeCells(g.view, cells, after[i]!.cells)
    return { view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells }
  }
}
