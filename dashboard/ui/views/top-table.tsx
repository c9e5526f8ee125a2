import type { ViewMeta } from '../api/pipeline-meta.ts'
import { formatNumber } from '../format.ts'
import type { TopRow } from './top-answer.ts'

export interface TopTableProps {
  view: ViewMeta
  rows: TopRow[] | null
  measure: string
  /** Filters the page on one value of a key (a click on a key's cell). */
  onFilter: (key: string, value: string) => void
}

/** The groups ranked by the charted measure over the range, with every measure. */
export function TopTable({ view, rows, measure, onFilter }: TopTableProps) {
  if (!rows) return <p class="muted">Loading…</p>
  if (rows.length === 0) return <p class="muted">No rows in this range.</p>
  return (
    <table class="data top-table" data-testid="top-table">
      <thead>
        <tr>
          <th class="num">#</th>
          {view.keys.map((k) => (
            <th key={k.name}>{k.name}</th>
          ))}
          {view.measures.map((m) => (
            <th key={m.name} class={`num${m.name === measure ? ' sorted' : ''}`}>
              {m.name}
              {m.name === measure ? ' ▾' : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <td class="num muted">{i + 1}</td>
            {view.keys.map((k) => (
              <td key={k.name}>
                <button type="button" class="link" title={`Show only ${k.name} = ${row[k.name]}`} onClick={() => onFilter(k.name, String(row[k.name]))}>
                  {String(row[k.name])}
                </button>
              </td>
            ))}
            {view.measures.map((m) => (
              <td key={m.name} class={`num${m.name === measure ? ' sorted' : ''}`}>
                {formatNumber(row[m.name] as number | null)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
