/** Display formats: times in UTC (as the API answers), numbers compact on axes and grouped in tables. */

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-11-23 12:00` (UTC); with seconds when asked. */
export function formatTime(value: number | string | null | undefined, seconds = false): string {
  if (value === null || value === undefined) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return '—'
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
  return seconds ? `${base}:${pad(d.getUTCSeconds())}` : base
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : grouped.format(value)
}

export function formatCompact(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : Math.abs(value) < 1000 ? grouped.format(value) : compact.format(value)
}

/** `1.2 s`, `3 min`, `2.5 h`: a duration in ms, for lags and run times. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`
  return `${(ms / 86_400_000).toFixed(1)} d`
}
