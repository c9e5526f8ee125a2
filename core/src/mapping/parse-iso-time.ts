import type { LocalTimeResult } from './zone-time.ts'

// Date, optional time (T or a space) with optional seconds and fraction, optional zone (Z, ±hh, ±hhmm, ±hh:mm).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * Parses an ISO-8601 time (`2024-03-01T12:00:00.250+07:00`, `2024-03-01 12:00Z`, a date alone) to
 * epoch ms, strictly: fields in range, at most millisecond precision kept (finer digits are
 * truncated). A time without a zone designator is resolved by `local` (wall-clock ms as if UTC
 * → instant), or rejected when there is none.
 */
export function parseIsoTime(text: string, local: ((wallClock: number) => LocalTimeResult) | null): LocalTimeResult {
  const m = ISO.exec(text.trim())
  if (!m) return { ok: false, reason: `${JSON.stringify(text)} is not an ISO-8601 time` }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `${JSON.stringify(text)} is not a valid time (a field is out of range)` }
  }
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'))
  const wallClock = utc(year, month, day, hour, minute, second, ms)
  if (zone === undefined) {
    if (local === null) return { ok: false, reason: `${JSON.stringify(text)} has no zone (end it with Z or an offset such as +07:00, or give the format a zone)` }
    return local(wallClock)
  }
  if (zone === 'Z' || zone === 'z') return { ok: true, ms: wallClock }
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offsetHours = Number(digits.slice(0, 2))
  const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, reason: `${JSON.stringify(text)} has an invalid zone offset` }
  return { ok: true, ms: wallClock - sign * (offsetHours * 60 + offsetMinutes) * 60_000 }
}

/** Date.UTC, but years 0-99 are those years (Date.UTC reads them as 1900-1999): shifted by a 400-year cycle. */
export function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const shift = year < 100 ? 400 : 0
  return Date.UTC(year + shift, month - 1, day, hour, minute, second, ms) - shift * CYCLE_MS
}

const CYCLE_MS = 146_097 * 86_400_000

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
