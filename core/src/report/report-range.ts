import { TwinflowError } from '../errors/twinflow-error.ts'

/**
 * The period a report covers, relative to its scheduled time, in the report's time zone:
 * - `today`, `yesterday`: a calendar day (midnight to midnight in the zone, 23 or 25 hours on a
 *   DST switch);
 * - `last N days`: the N whole days before today; `last N hours`: the N whole hours before the
 *   current one;
 * - `this week`, `last week`: ISO weeks (Monday to Monday); `this month`, `last month`.
 * "this" and "today" end at the end of the period, so a run mid-period covers what has happened.
 */
export type ReportRange = 'today' | 'yesterday' | 'this week' | 'last week' | 'this month' | 'last month' | `last ${number} days` | `last ${number} hours`

/** A parsed range: `count` units of `unit`, ending at the start of the current unit (`offset` 0) or the end of it (`offset` 1). */
export interface RangeSpec {
  unit: 'hour' | 'day' | 'week' | 'month'
  count: number
  /** 1: the range ends at the end of the current unit (this day, week, month); 0: at its start. */
  offset: 0 | 1
}

const FIXED: Record<string, RangeSpec> = {
  today: { unit: 'day', count: 1, offset: 1 },
  yesterday: { unit: 'day', count: 1, offset: 0 },
  'this week': { unit: 'week', count: 1, offset: 1 },
  'last week': { unit: 'week', count: 1, offset: 0 },
  'this month': { unit: 'month', count: 1, offset: 1 },
  'last month': { unit: 'month', count: 1, offset: 0 },
}

/** Most units a `last N ...` range may span. */
const MAX_COUNT = { hour: 24 * 366, day: 366 } as const

/** Parses a report range; a `config` error lists the forms it takes. */
export function parseReportRange(text: string): RangeSpec {
  const fixed = FIXED[text]
  if (fixed) return fixed
  const m = /^last (\d{1,4}) (hour|day)s?$/.exec(text)
  if (m) {
    const count = Number(m[1])
    const unit = m[2] as 'hour' | 'day'
    if (count >= 1 && count <= MAX_COUNT[unit]) return { unit, count, offset: 0 }
  }
  throw new TwinflowError(
    'config',
    `range ${JSON.stringify(text)} is not a report range; use today, yesterday, this week, last week, this month, last month, "last N days" (1 to 366) or "last N hours" (1 to 8784)`,
  )
}
