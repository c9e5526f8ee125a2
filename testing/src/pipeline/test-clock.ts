import { systemClock, type Clock } from '@twinflow/core'
import { durationMs, type Duration } from './duration.ts'

/**
 * A clock that stands still until the test moves it: what Twinflow's layers read as "now" (batch
 * cutoffs, log timestamps, freshness). Waits (`sleep`: retries, polls) still take real time.
 */
export class TestClock implements Clock {
  #now: number

  constructor(start: number | string | Date) {
    this.#now = toEpochMs(start)
  }

  now(): number {
    return this.#now
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal)
  }

  /** Sets the time; it may move back (a test's choice). */
  set(time: number | string | Date): void {
    this.#now = toEpochMs(time)
  }

  /** Moves the time forward by a number of milliseconds or a duration such as '90s', '15m', '1h', '1d'. */
  advance(by: Duration): void {
    this.#now += durationMs(by)
  }
}

function toEpochMs(time: number | string | Date): number {
  const ms = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : time.getTime()
  if (!Number.isFinite(ms)) throw new TypeError(`not a time: ${JSON.stringify(time)} (give epoch milliseconds, a Date or an ISO-8601 string with a zone)`)
  return ms
}
