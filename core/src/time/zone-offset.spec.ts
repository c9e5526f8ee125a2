import { describe, expect, it } from 'vitest'
import { zoneOffset } from './zone-offset.ts'

const H = 3_600_000

describe('zoneOffset', () => {
  it('is the offset of the instant, to the second, across changes on the hour and within one', () => {
    const berlin = zoneOffset('Europe/Berlin')
    const spring = Date.UTC(2026, 2, 29, 1)
    expect([berlin(spring - 1), berlin(spring), berlin(Date.UTC(2026, 9, 25, 1) - 1), berlin(Date.UTC(2026, 9, 25, 1))]).toEqual([H, 2 * H, 2 * H, H])
    // Adelaide turns its clocks back at 03:00 local, 16:30 UTC: in the middle of a UTC hour.
    const adelaide = zoneOffset('Australia/Adelaide')
    const change = Date.UTC(2026, 3, 4, 16, 30)
    expect([adelaide(change - 1000), adelaide(change - 1), adelaide(change), adelaide(change + 1000)]).toEqual([10.5 * H, 10.5 * H, 9.5 * H, 9.5 * H])
    expect(zoneOffset('Asia/Kolkata')(0)).toBe(5.5 * H)
    expect(zoneOffset('UTC')(Date.UTC(2026, 0, 1))).toBe(0)
  })
})
