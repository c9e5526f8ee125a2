import { DateTime } from 'luxon'
import type { Scalar } from '@twinflow/core'

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

/** A value as a report shows it: times in the report's zone (`2026-11-23 07:00`), numbers grouped (`1,234.5`), null as `–`. */
export function formatValue(value: Scalar | null, kind: 'time' | 'number' | 'text', timeZone: string): string {
  if (value === null || value === undefined) return '–'
  if (kind === 'time' && typeof value === 'number') return formatTime(value, timeZone)
  if (kind === 'number' && typeof value === 'number') return NUMBER.format(value)
  return String(value)
}

/** An instant in a zone, to the minute. */
export function formatTime(time: number, timeZone: string): string {
  return DateTime.fromMillis(time, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')
}

/** A period in a zone: `2026-11-23 00:00 – 2026-11-24 00:00 (Asia/Jakarta)`. */
export function formatPeriod(period: { from: number; to: number }, timeZone: string): string {
  return `${formatTime(period.from, timeZone)} – ${formatTime(period.to, timeZone)} (${timeZone})`
}
