import { useState } from 'preact/hooks'
import { RANGE_PRESETS } from './time-units.ts'

/** `2026-11-23T12:00` in UTC, for a datetime-local input. */
const toInput = (t: number) => new Date(t).toISOString().slice(0, 16)
const fromInput = (value: string) => Date.parse(`${value}:00Z`)

export interface RangePickerProps {
  /** The active preset, or null for a custom range. */
  preset: string | null
  from: number
  to: number
  onPreset: (id: string) => void
  onCustom: (from: number, to: number) => void
}

/** Range presets (up to now), and a custom range in UTC. */
export function RangePicker({ preset, from, to, onPreset, onCustom }: RangePickerProps) {
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState({ from: toInput(from), to: toInput(to) })
  const open = () => {
    setDraft({ from: toInput(from), to: toInput(to) })
    setEditing(true)
  }
  const apply = (e: Event) => {
    e.preventDefault()
    const f = fromInput(draft.from)
    const t = fromInput(draft.to)
    if (Number.isFinite(f) && Number.isFinite(t) && f < t) {
      onCustom(f, t)
      setEditing(false)
    }
  }
  return (
    <div class="range-picker">
      <fieldset class="segmented" aria-label="Time range">
        {RANGE_PRESETS.map((p) => (
          <button type="button" key={p.id} class={preset === p.id ? 'active' : ''} onClick={() => onPreset(p.id)}>
            {p.label}
          </button>
        ))}
        <button type="button" class={preset === null ? 'active' : ''} onClick={open}>
          Custom
        </button>
      </fieldset>
      {editing && (
        <form class="custom-range" onSubmit={apply}>
          <label>
            From
            <input type="datetime-local" name="from" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
          </label>
          <label>
            To
            <input type="datetime-local" name="to" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
          </label>
          <span class="muted">UTC</span>
          <button type="submit" class="primary">
            Apply
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
    </div>
  )
}
