import { formatDuration, formatNumber, formatTime } from '../format.ts'
import type { Freshness } from './split-answer.ts'

/** The answer's provenance and freshness, as the API gave it with the answer. */
export function FreshnessBar({ freshness, live }: { freshness: Freshness | null; live: boolean }) {
  const f = freshness
  const items: [string, string, string?][] = [
    ['Batch version', f?.batchVersion === null || f?.batchVersion === undefined ? 'none yet' : `v${f.batchVersion}`],
    ['Cutoff', formatTime(f?.cutoff ?? null), 'Windows before it come from the batch version, the rest from the speed layer'],
    ['Published', formatTime(f?.batchPublishedAt ?? null)],
    ['Newest event', formatTime(f?.newestEventTime ?? null, true), 'Newest event time the speed layer applied'],
    ['Realtime lag', formatDuration(f?.realtimeLagMs ?? null)],
    ['Pending events', formatNumber(f?.pendingEvents ?? null), 'Log records the speed layer has still to apply'],
  ]
  return (
    <div class="freshness" data-testid="freshness">
      <span class={`live-dot${live ? ' on' : ''}`} title={live ? 'Live: the server pushes every change' : 'Not connected'} />
      {items.map(([label, value, title]) => (
        <div class="fact" title={title} key={label}>
          <span class="fact-label">{label}</span>
          <span class="fact-value">{value}</span>
        </div>
      ))}
    </div>
  )
}
