import { compileGroupFolder, type Delta, type EvaluatedEvent, type GroupFolder, type GroupState, type Scalar, type ViewDef } from '@twinflow/core'

interface Group {
  view: ViewDef
  folder: GroupFolder
  windowStart: number
  keys: (Scalar | null)[]
  /** The folded cells of every event added to the group (accumulators for sketch cells). */
  state: GroupState
}

/**
 * The pre-aggregation of one log batch: one delta per (view, window, keys), merged by the view's
 * cell monoids (sketch cells in accumulators: see GroupFolder).
 *
 * This is the speed layer's per-event hot path: groups are found through one tree of maps per view
 * and window, one level per key, keyed by the key values themselves (no string is built per
 * event); nothing of an event is kept once it is merged (the part of a group after a fence is
 * recomputed by folding the batch's later records again, see BatchProcessor), so the events of a
 * batch die young and cost the garbage collector little.
 */
export class BatchAggregate {
  readonly #groups: Group[] = []
  /** view → window → key 0 → key 1 → … → group (a view without keys has its group at the window). */
  readonly #index = new Map<ViewDef, Map<number, Level>>()
  readonly #folders = new Map<ViewDef, GroupFolder>()

  get size(): number {
    return this.#groups.length
  }

  /** Adds one event evaluated by `view`. Nothing of `event` is kept (its arrays are copied): it may be reused. */
  add(view: ViewDef, event: EvaluatedEvent): void {
    let windows = this.#index.get(view)
    if (!windows) this.#index.set(view, (windows = new Map()))
    let level = windows.get(event.windowStart)
    if (level === undefined) windows.set(event.windowStart, (level = new Map()))
    const { keys } = event
    const last = keys.length - 1
    for (let i = 0; i < last; i++) {
      let next = level.get(keys[i]!) as Level | undefined
      if (next === undefined) level.set(keys[i]!, (next = new Map()))
      level = next
    }
    const id = last < 0 ? null : keys[last]!
    const group = level.get(id) as Group | undefined
    if (group) {
      group.folder.add(group.state, event.cells)
      return
    }
    let folder = this.#folders.get(view)
    if (!folder) this.#folders.set(view, (folder = compileGroupFolder(view)))
    const created: Group = { view, folder, windowStart: event.windowStart, keys: keys.slice(), state: folder.start(event.cells) }
    this.#groups.push(created)
    level.set(id, created)
  }

  /** One delta per group, in the order groups were first seen. */
  deltas(): Delta[] {
    return this.#groups.map(toDelta)
  }

  /** The delta of the group of (view, window, keys), or `null` when no event of it was added. */
  deltaOf(view: ViewDef, windowStart: number, keys: readonly (Scalar | null)[]): Delta | null {
    let found: Level | Group | undefined = this.#index.get(view)?.get(windowStart)
    if (keys.length === 0) found = (found as Level | undefined)?.get(null)
    for (const key of keys) found = (found as Level | undefined)?.get(key)
    return found ? toDelta(found as Group) : null
  }
}

/** One level of the index: a key's values to the next level, or to the groups at the last key. */
type Level = Map<Scalar | null, Level | Group>

const toDelta = (g: Group): Delta => ({ view: g.view.name, windowStart: g.windowStart, keys: g.keys, cells: g.folder.cells(g.state) })
