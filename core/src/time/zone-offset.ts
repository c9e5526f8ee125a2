import { TwinflowError } from '../errors/twinflow-error.ts'

const HOUR = 3_600_000
const MAX_CACHED_HOURS = 100_000

/** One UTC hour of a zone: its offset, or the offsets before and after a change within it (at `at`, a whole second). */
type Hour = { offset: number } | { before: number; after: number; at: number }

/**
 * The offset from UTC of a named IANA time zone at an instant, in ms (what its wall clock is ahead
 * of UTC; whole seconds), from the time-zone data of the JavaScript engine (ICU). An instant's
 * offset is exact across daylight-saving changes: it is read per UTC hour, and in an hour that
 * holds a change, the change's second is found once. Throws a `config` error for a zone the
 * engine does not know. The batch layer computes the same offset with ClickHouse's data.
 */
export function zoneOffset(zone: string): (time: number) => number {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  } catch (error) {
    throw new TwinflowError('config', `unknown time zone "${zone}" (use an IANA name such as "Europe/Berlin")`, { cause: error })
  }
  /** The offset at a whole second (ms since the epoch, a multiple of 1000). */
  const at = (second: number): number => {
    let year = 0
    let month = 0
    let day = 0
    let hour = 0
    let minute = 0
    let sec = 0
    for (const part of format.formatToParts(second)) {
      const value = Number(part.value)
      if (part.type === 'year') year = value
      else if (part.type === 'month') month = value
      else if (part.type === 'day') day = value
      else if (part.type === 'hour') hour = value
      else if (part.type === 'minute') minute = value
      else if (part.type === 'second') sec = value
    }
    return Date.UTC(year, month - 1, day, hour, minute, sec) - second
  }
  const hours = new Map<number, Hour>()
  const hourOf = (index: number): Hour => {
    let found = hours.get(index)
    if (found) return found
    const start = index * HOUR
    const first = at(start)
    const last = at(start + HOUR - 1000)
    if (first === last) found = { offset: first }
    else {
      // The first second with the new offset: offsets change once in an hour at most.
      let lo = start
      let hi = start + HOUR - 1000
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000
        if (at(mid) === first) lo = mid
        else hi = mid
      }
      found = { before: first, after: last, at: hi }
    }
    if (hours.size >= MAX_CACHED_HOURS) hours.clear()
    hours.set(index, found)
    return found
  }
  return (time) => {
    const second = time - (time % 1000)
    const hour = hourOf(Math.floor(second / HOUR))
    return 'offset' in hour ? hour.offset : second < hour.at ? hour.before : hour.after
  }
}
