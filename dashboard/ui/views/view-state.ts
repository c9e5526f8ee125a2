import type { ViewMeta } from '../api/pipeline-meta.ts'
import { GRANULARITY_MS, RANGE_PRESETS } from './time-units.ts'

/**
 * What a view's page shows, all of it in the URL (so a chart can be bookmarked and shared):
 * `m` the measure, `split` the key that splits it (`*` every key, empty for the total), `top` how
 * many groups get a line, `range` a preset or `from`/`to` (ISO), `g` the granularity, and one
 * `f.<key>` per allowed value of a filtered key. Absent fields take the view's defaults.
 */
export interface ViewState {
  measure: string | null
  split: string | null
  top: number | null
  range: string | null
  from: number | null
  to: number | null
  granularity: string | null
  filters: Record<string, string[]>
}

export const DEFAULT_TOP = 10
export const DEFAULT_RANGE = '24h'
/** Most buckets a chart asks for when it chooses the granularity itself. */
const MAX_AUTO_POINTS = 1500

export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search)
  const time = (name: string) => {
    const value = params.get(name)
    const parsed = value ? Date.parse(value) : Number.NaN
    return Number.isFinite(parsed) ? parsed : null
  }
  const top = Number(params.get('top'))
  const filters: Record<string, string[]> = {}
  for (const [name, value] of params) if (name.startsWith('f.')) (filters[name.slice(2)] ??= []).push(value)
  const from = time('from')
  const to = time('to')
  const custom = from !== null && to !== null && from < to
  return {
    measure: params.get('m'),
    split: params.get('split'),
    top: Number.isInteger(top) && top > 0 ? top : null,
    range: custom ? null : params.get('range'),
    from: custom ? from : null,
    to: custom ? to : null,
    granularity: params.get('g'),
    filters,
  }
}

export function viewStateSearch(state: ViewState): string {
  const params = new URLSearchParams()
  if (state.measure) params.set('m', state.measure)
  if (state.split !== null) params.set('split', state.split)
  if (state.top !== null) params.set('top', String(state.top))
  if (state.from !== null && state.to !== null) {
    params.set('from', new Date(state.from).toISOString())
    params.set('to', new Date(state.to).toISOString())
  } else if (state.range) params.set('range', state.range)
  if (state.granularity) params.set('g', state.granularity)
  for (const [key, values] of Object.entries(state.filters)) for (const value of values) params.append(`f.${key}`, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** The arguments a view's page queries with: its state with the view's defaults filled in. */
export interface ResolvedView {
  measure: string
  /** The keys to split by ([] for the total). */
  splitBy: string[]
  top: number
  from: number
  to: number
  granularity: string
  /** Whether the range follows the clock (a preset) rather than being fixed. */
  live: boolean
  where: Record<string, (string | number | boolean)[]>
}

export function resolveView(view: ViewMeta, state: ViewState, now: number): ResolvedView {
  const measure = view.measures.some((m) => m.name === state.measure) ? state.measure! : view.measures[0]!.name
  const split = state.split ?? view.keys[0]?.name ?? ''
  const splitBy = split === '*' ? view.keys.map((k) => k.name) : view.keys.some((k) => k.name === split) ? [split] : []
  const preset = RANGE_PRESETS.find((p) => p.id === (state.range ?? DEFAULT_RANGE)) ?? RANGE_PRESETS.find((p) => p.id === DEFAULT_RANGE)!
  const span = state.from !== null && state.to !== null ? state.to - state.from : preset.ms
  const granularity = view.granularities.includes(state.granularity ?? '') ? state.granularity! : autoGranularity(view, span)
  let from: number
  let to: number
  if (state.from !== null && state.to !== null) {
    from = state.from
    to = state.to
  } else {
    // The end of the current bucket, so that the newest windows (the speed layer's) are in.
    const size = GRANULARITY_MS[granularity] ?? GRANULARITY_MS[view.window]!
    to = Math.floor(now / size) * size + size
    from = to - preset.ms
  }
  const where: ResolvedView['where'] = {}
  for (const key of view.keys) {
    const values = state.filters[key.name]
    if (values?.length) where[`${key.name}In`] = values.map((v) => typedValue(v, key.type))
  }
  return { measure, splitBy, top: state.top ?? DEFAULT_TOP, from, to, granularity, live: state.from === null, where }
}

/** The finest granularity of the view with at most MAX_AUTO_POINTS buckets in the span. */
function autoGranularity(view: ViewMeta, span: number): string {
  return view.granularities.find((g) => span / (GRANULARITY_MS[g] ?? 1) <= MAX_AUTO_POINTS) ?? view.granularities[view.granularities.length - 1] ?? view.window
}

/** A key value from the URL, as the key's GraphQL type wants it. */
export function typedValue(value: string, type: string): string | number | boolean {
  if (type === 'BOOLEAN') return value === 'true'
  if (type === 'INT' || type === 'FLOAT') return Number(value)
  return value
}
