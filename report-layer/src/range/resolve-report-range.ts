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
 * after it, and one that occurs twice (a switch back to 00:00) at its first occurrence. Hours are
 * exact.
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
 * first instant, which is what a period starts at. A local midnight that occurs twice (a switch
 * back at 01:00 to 00:00, as in Havana) may come out as its second occurrence: the day starts at
 * the first. For hours nothing moves.
 */
function firstInstantOf(time: DateTime, unit: RangeSpec['unit']): number {
  if (unit === 'hour') return time.toMillis()
  let start = time.startOf('day')
  // At most two occurrences of a wall time per switch; a few steps bound the walk.
  for (let step = 0; step < 3; step++) {
    const before = DateTime.fromMillis(start.toMillis() - 1, { zone: start.zone })
    if (!before.hasSame(start, 'day') || before.offset === start.offset) break
    // The same wall midnight at the offset in force just before: the earlier occurrence.
    const earlier = DateTime.fromMillis(start.toMillis() + (start.offset - before.offset) * 60_000, { zone: start.zone })
    if (earlier.toMillis() >= start.toMillis() || !earlier.hasSame(start, 'day')) break
    start = earlier
  }
  return start.toMillis()
}
