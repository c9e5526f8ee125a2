export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Bucket sizes of the API's granularities (a month counted as 30 days, to choose one). */
export const GRANULARITY_MS: Record<string, number> = {
  MINUTE,
  FIVE_MINUTES: 5 * MINUTE,
  FIFTEEN_MINUTES: 15 * MINUTE,
  HOUR,
  DAY,
  MONTH: 30 * DAY,
}

export const GRANULARITY_LABELS: Record<string, string> = {
  MINUTE: '1 minute',
  FIVE_MINUTES: '5 minutes',
  FIFTEEN_MINUTES: '15 minutes',
  HOUR: '1 hour',
  DAY: '1 day',
  MONTH: '1 month',
}

/** The range presets, the span before the end of the current bucket. */
export const RANGE_PRESETS: readonly { id: string; label: string; ms: number }[] = [
  { id: '1h', label: '1h', ms: HOUR },
  { id: '6h', label: '6h', ms: 6 * HOUR },
  { id: '24h', label: '24h', ms: DAY },
  { id: '7d', label: '7d', ms: 7 * DAY },
  { id: '30d', label: '30d', ms: 30 * DAY },
  { id: '90d', label: '90d', ms: 90 * DAY },
]
