import { describe, expect, it } from 'vitest'
import { monthStart } from './month-start.ts'

describe('monthStart', () => {
  it('is the first instant of the UTC calendar month, whatever the month length', () => {
    expect(monthStart(Date.UTC(2026, 1, 28, 23, 59, 59, 999))).toBe(Date.UTC(2026, 1, 1))
    expect(monthStart(Date.UTC(2028, 1, 29, 12))).toBe(Date.UTC(2028, 1, 1)) // leap day
    expect(monthStart(Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2026, 11, 1))
    expect(monthStart(Date.UTC(2027, 0, 1))).toBe(Date.UTC(2027, 0, 1))
    expect(monthStart(0)).toBe(0)
  })
})
