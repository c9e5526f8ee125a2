import { describe, expect, it } from 'vitest'
import { occurrenceAfter, occurrenceAtOrBefore } from './cron-occurrence.ts'

describe('occurrenceAtOrBefore', () => {
  it('is the scheduled time a tick belongs to, in the zone, the time itself included', () => {
    // 07:00 in Jakarta is 00:00 UTC.
    expect(occurrenceAtOrBefore('0 7 * * *', 'Asia/Jakarta', Date.parse('2026-11-24T00:00:00.000Z'))).toBe(Date.parse('2026-11-24T00:00:00Z'))
    expect(occurrenceAtOrBefore('0 7 * * *', 'Asia/Jakarta', Date.parse('2026-11-24T00:00:00.250Z'))).toBe(Date.parse('2026-11-24T00:00:00Z'))
    expect(occurrenceAtOrBefore('0 7 * * *', 'Asia/Jakarta', Date.parse('2026-11-23T23:59:59Z'))).toBe(Date.parse('2026-11-23T00:00:00Z'))
    expect(occurrenceAtOrBefore('*/5 * * * * *', 'UTC', Date.parse('2026-11-24T00:00:07.500Z'))).toBe(Date.parse('2026-11-24T00:00:05Z'))
  })

  it('follows the zone across DST: 07:00 in New York is 12:00 UTC in winter, 11:00 in summer', () => {
    expect(occurrenceAtOrBefore('0 7 * * *', 'America/New_York', Date.parse('2026-03-07T13:00:00Z'))).toBe(Date.parse('2026-03-07T12:00:00Z'))
    expect(occurrenceAtOrBefore('0 7 * * *', 'America/New_York', Date.parse('2026-03-09T13:00:00Z'))).toBe(Date.parse('2026-03-09T11:00:00Z'))
    expect(occurrenceAfter('0 7 * * *', 'America/New_York', Date.parse('2026-03-08T00:00:00Z'))).toBe(Date.parse('2026-03-08T11:00:00Z'))
  })

  it('refuses an expression it cannot read with a config error', () => {
    expect(() => occurrenceAtOrBefore('61 * * * *', 'UTC', 0)).toThrow(/cron expression "61 \* \* \* \*"/)
  })
})
