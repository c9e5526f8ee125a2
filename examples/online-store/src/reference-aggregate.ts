/**
 * Ground truth for tests: aggregates events with a plain reduce, written without any Twinflow code,
 * so that comparing Twinflow's answers with it tests Twinflow rather than restating it.
 */
/** A measure and its argument; a null argument is skipped, and a measure all of whose values are null is null. */
export type RefMeasure<E> = ['count'] | ['sum' | 'min' | 'max' | 'avg', (event: E) => number | null]

export interface RefSpec<E> {
  filter?: (event: E) => boolean
  keys: (event: E) => Record<string, string | number | boolean>
  time: (event: E) => number
  windowMs: number
  measures: Record<string, RefMeasure<E>>
}

export type RefRow = Record<string, string | number | boolean | null>

/** Rows `{ windowStart (ISO), ...keys, ...measures }` at `granularityMs`, sorted by window then keys. */
export function referenceAggregate<E>(events: readonly E[], spec: RefSpec<E>, granularityMs = spec.windowMs): RefRow[] {
  const groups = new Map<string, { window: number; keys: Record<string, string | number | boolean>; events: E[] }>()
  for (const e of events) {
    if (spec.filter && !spec.filter(e)) continue
    const time = spec.time(e)
    const window = Math.floor(time / granularityMs) * granularityMs
    const keys = spec.keys(e)
    const id = JSON.stringify([window, keys])
    let g = groups.get(id)
    if (!g) groups.set(id, (g = { window, keys, events: [] }))
    g.events.push(e)
  }
  const rows: RefRow[] = []
  for (const g of groups.values()) {
    const row: RefRow = { windowStart: new Date(g.window).toISOString(), ...g.keys }
    for (const [name, [kind, fn]] of Object.entries(spec.measures)) {
      const values = fn ? g.events.map(fn).filter((v): v is number => v !== null) : []
      if (kind === 'count') row[name] = g.events.length
      else if (values.length === 0) row[name] = null
      else if (kind === 'sum') row[name] = values.reduce((a, b) => a + b, 0)
      else if (kind === 'min') row[name] = values.reduce((a, b) => (b < a ? b : a))
      else if (kind === 'max') row[name] = values.reduce((a, b) => (b > a ? b : a))
      else row[name] = values.reduce((a, b) => a + b, 0) / values.length
    }
    rows.push(row)
  }
  return sortRows(rows)
}

/** Sorts answer rows by window start, then by their keys, for comparisons. */
export function sortRows(rows: RefRow[]): RefRow[] {
  const key = (r: RefRow) => `${String(r.windowStart)}\u0000${JSON.stringify(r)}`
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
