import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseReportRange } from '@twinflow/core'
import { resolveReportRange } from './resolve-report-range.ts'

/** The oracle: the local calendar date of an instant in a zone, read with Intl (not Luxon). */
function localDate(time: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(time)
}
function localWeekday(time: number, zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(time)
}
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}
const ZONES = [
  'UTC',
  'Asia/Jakarta',
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/Santiago',
  'America/Havana',
  'Asia/Tehran',
]
const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
const zones = fc.constantFrom(...ZONES)

describe('resolveReportRange', () => {
  it('yesterday in Jakarta at 07:00 is the previous local day, 17:00Z to 17:00Z', () => {
    const at = Date.parse('2026-11-24T00:00:00Z') // 07:00 in Jakarta (UTC+7)
    expect(resolveReportRange(parseReportRange('yesterday'), at, 'Asia/Jakarta')).toEqual({
      from: Date.parse('2026-11-22T17:00:00Z'),
      to: Date.parse('2026-11-23T17:00:00Z'),
    })
  })

  it('is 23 hours long on the day New York springs forward and 25 on the day it falls back', () => {
    const spring = resolveReportRange(parseReportRange('yesterday'), Date.parse('2026-03-09T11:00:00Z'), 'America/New_York')
    expect(spring).toEqual({ from: Date.parse('2026-03-08T05:00:00Z'), to: Date.parse('2026-03-09T04:00:00Z') })
    expect(spring.to - spring.from).toBe(23 * 3_600_000)
    const fall = resolveReportRange(parseReportRange('yesterday'), Date.parse('2026-11-02T12:00:00Z'), 'America/New_York')
    expect(fall).toEqual({ from: Date.parse('2026-11-01T04:00:00Z'), to: Date.parse('2026-11-02T05:00:00Z') })
    expect(fall.to - fall.from).toBe(25 * 3_600_000)
    // A week across the switch: Monday 00:00 EST to Monday 00:00 EDT.
    const week = resolveReportRange(parseReportRange('last week'), Date.parse('2026-03-11T12:00:00Z'), 'America/New_York')
    expect(week).toEqual({ from: Date.parse('2026-03-02T05:00:00Z'), to: Date.parse('2026-03-09T04:00:00Z') })
  })

  it('starts a day whose midnight does not exist at its first instant (Havana springs forward at 00:00)', () => {
    // 2026-03-08 00:00 in Havana does not exist: clocks go from 23:59:59 to 01:00 (UTC-4).
    const { from, to } = resolveReportRange(parseReportRange('yesterday'), Date.parse('2026-03-09T12:00:00Z'), 'America/Havana')
    expect(localDate(from, 'America/Havana')).toBe('2026-03-08')
    expect(localDate(from - 1, 'America/Havana')).toBe('2026-03-07')
    expect(to - from).toBe(23 * 3_600_000)
  })

  it('starts a day whose midnight occurs twice at the first one (Havana falls back from 01:00 to 00:00)', () => {
    // 2002-10-27 in Havana: 00:00 CDT (04:00Z), then at 01:00 CDT (05:00Z) back to 00:00 CST.
    const { from, to } = resolveReportRange(parseReportRange('today'), Date.parse('2002-10-27T20:33:27Z'), 'America/Havana')
    expect(from).toBe(Date.parse('2002-10-27T04:00:00Z'))
    expect(localDate(from - 1, 'America/Havana')).toBe('2002-10-26')
    expect(to - from).toBe(25 * 3_600_000)
  })

  it('"yesterday", "today" and "last N days" are exactly the instants of those local dates (Intl as the oracle)', () => {
    fc.assert(
      fc.property(instants, zones, fc.integer({ min: 1, max: 40 }), (at, zone, n) => {
        const today = localDate(at, zone)
        const check = (range: string, first: string, last: string) => {
          const { from, to } = resolveReportRange(parseReportRange(range), at, zone)
          expect(localDate(from, zone)).toBe(first)
          expect(localDate(from - 1, zone)).toBe(addDays(first, -1))
          expect(localDate(to - 1, zone)).toBe(last)
          expect(localDate(to, zone)).toBe(addDays(last, 1))
        }
        check('yesterday', addDays(today, -1), addDays(today, -1))
        check('today', today, today)
        check(`last ${n} days`, addDays(today, -n), addDays(today, -1))
      }),
      { numRuns: 300 },
    )
  })

  it('"last week" runs Monday to Monday before the current week; "last N hours" is N exact hours ending at or before the run', () => {
    fc.assert(
      fc.property(instants, zones, fc.integer({ min: 1, max: 72 }), (at, zone, n) => {
        const week = resolveReportRange(parseReportRange('last week'), at, zone)
        expect(localWeekday(week.from, zone)).toBe('Mon')
        expect(localWeekday(week.from - 1, zone)).toBe('Sun')
        expect(localWeekday(week.to, zone)).toBe('Mon')
        expect(localDate(week.to, zone) <= localDate(at, zone)).toBe(true)
        expect(localDate(at, zone) < addDays(localDate(week.to, zone), 7)).toBe(true)
        const hours = resolveReportRange(parseReportRange(`last ${n} hours`), at, zone)
        expect(hours.to - hours.from).toBe(n * 3_600_000)
        expect(hours.to <= at && at - hours.to < 3_600_000).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
