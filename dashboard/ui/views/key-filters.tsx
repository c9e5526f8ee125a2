import { useState } from 'preact/hooks'
import type { ViewMeta } from '../api/pipeline-meta.ts'

export interface KeyFiltersProps {
  view: ViewMeta
  filters: Record<string, string[]>
  /** Values seen in the current answers, offered per key. */
  known: Record<string, string[]>
  onChange: (filters: Record<string, string[]>) => void
}

/** The key filters: one chip per allowed value (values of one key are OR-ed, keys AND-ed), and a form to add one. */
export function KeyFilters({ view, filters, known, onChange }: KeyFiltersProps) {
  const [key, setKey] = useState(view.keys[0]?.name ?? '')
  const [value, setValue] = useState('')
  if (view.keys.length === 0) return null
  const add = (e: Event) => {
    e.preventDefault()
    const v = value.trim()
    if (!key || !v) return
    const current = filters[key] ?? []
    if (!current.includes(v)) onChange({ ...filters, [key]: [...current, v] })
    setValue('')
  }
  const remove = (k: string, v: string) => {
    const rest = (filters[k] ?? []).filter((x) => x !== v)
    const next = { ...filters }
    if (rest.length > 0) next[k] = rest
    else delete next[k]
    onChange(next)
  }
  const chips = Object.entries(filters).flatMap(([k, values]) => values.map((v) => [k, v] as const))
  return (
    <div class="filters">
      <span class="control-label">Filters</span>
      {chips.length === 0 && <span class="muted">none</span>}
      {chips.map(([k, v]) => (
        <span class="chip" key={`${k}=${v}`} data-testid="filter-chip">
          {k} = {v}
          <button type="button" aria-label={`Remove filter ${k} = ${v}`} onClick={() => remove(k, v)}>
            ×
          </button>
        </span>
      ))}
      <form class="add-filter" onSubmit={add}>
        <select aria-label="Filter key" value={key} onChange={(e) => setKey(e.currentTarget.value)}>
          {view.keys.map((k) => (
            <option key={k.name} value={k.name}>
              {k.name}
            </option>
          ))}
        </select>
        <input aria-label="Filter value" placeholder="value" list="filter-values" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        <datalist id="filter-values">
          {(known[key] ?? []).map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
        <button type="submit">Add filter</button>
      </form>
    </div>
  )
}
