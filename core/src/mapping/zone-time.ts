import { IANAZone } from 'luxon'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const CACHE_HOURS = 4096

/** Whether `zone` names an IANA time zone this runtime knows (e.g. `Asia/Jakarta`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone)
}

/** A local wall-clock time resolved in a zone: epoch ms, or why it has none. */
export type LocalTimeResult = { ok: true; ms: number } | { ok: false; reason: string }

/**
 * Resolves wall-clock times of one IANA zone to instants. `local` is the wall-clock time written
 * as if it were UTC (Date.UTC of its fields). Rules at daylight-saving transitions:
 * - a time that occurs twice (clocks set back) is the EARLIER instant (its first occurrence);
 * - a time that never occurs (clocks set forward) has no instant: a reason, never a guess.
 * Assumes a zone changes its offset at most once within any two days (true of the tz database
 * since 1970, and of nearly all of it before).
 * Offsets are cached per hour: an hour whose start and end have the same offset is taken to have
 * it throughout (a zone never changes and changes back within an hour).
 */
export function zoneTime(zone: string): (local: number) => LocalTimeResult {
  const iana = IANAZone.create(zone)
  if (!iana.isValid) throw new RangeError(`unknown time zone "${zone}"`)
  const byHour = new Map<number, number>()
  const exact = (ts: number): number => iana.offset(ts) * 60_000
  const offset = (ts: number): number => {
    const hour = Math.floor(ts / HOUR)
    let cached = byHour.get(hour)
    if (cached === undefined) {
      const start = exact(hour * HOUR)
      cached = start === exact(hour * HOUR + HOUR - 1) ? start : Number.NaN
      if (byHour.size >= CACHE_HOURS) byHour.clear()
      byHour.set(hour, cached)
    }
    return Number.isNaN(cached) ? exact(ts) : cached
  }
  return (local) => {
    const before = offset(local - DAY)
    const after = offset(local + DAY)
    let found: number | null = null
    for (const candidate of before === after ? [before] : [before, after]) {
      const ts = local - candidate
      if (offset(ts) === candidate && (found === null || ts < found)) found = ts
    }
    if (found !== null) return { ok: true, ms: found }
    return { ok: false, reason: `${new Date(local).toISOString().slice(0, 19).replace('T', ' ')} does not exist in ${zone} (clocks were set forward over it)` }
  }
}
