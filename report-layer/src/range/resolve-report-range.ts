import { DateTime } from 'luxon'
import type { RangeSpec } from '@twinflow/core'

/** A period of a report: the windows with from <= windowStart < to (epoch ms). */
export interface ReportPeriod {
  from: number
  to: number
}

/**
 * The period a run scheduled at `scheduledAt` covers, in `timeZone`: calendar units (days, ISO
 * weeks, months) start at local midnight, so a day is 23 or 25 hours long across a DST switch, and
 * a local midnight that does not exist (a switch at 00:00) starts the day at the first instant
 * after it. Hours are exact.
 */
export function resolveReportRange(spec: RangeSpec, scheduledAt: number, timeZone: string): ReportPeriod {
  const now = DateTime.fromMillis(scheduledAt, { zone: timeZone })
  if (!now.isValid) throw new Error(`cannot read ${new Date(scheduledAt).toISOString()} in time zone ${timeZone}: ${now.invalidExplanation}`)
  const current = now.startOf(spec.unit)
  const to = spec.offset === 1 ? current.plus({ [spec.unit]: 1 }) : current
  const from = to.minus({ [spec.unit]: spec.count })
  return { from: firstInstantOf(from, spec.unit), to: firstInstantOf(to, spec.unit) }
}

/**
 * Luxon keeps the wall time of a date moved by calendar units, and moves a wall time that a DST
 * switch skips forward by the gap: 00:00 on a day that starts at 01:00 becomes 01:00, the day's
 * first instant, which is what a period starts at. For hours nothing moves.
 */
function firstInstantOf(time: DateTime, unit: RangeSpec['unit']): number {
  return unit === 'hour' ? time.toMillis() : time.startOf('day').toMillis()
}
