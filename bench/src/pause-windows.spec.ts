import { describe, expect, it } from 'vitest'
import { duringPause } from './pause-windows.ts'

describe('duringPause', () => {
  const pauses = [{ from: 1000, to: 2000 }]

  it('counts a request in flight at any moment of a pause', () => {
    expect(duringPause({ due: 900, ms: 200 }, pauses)).toBe(true) // settled inside
    expect(duringPause({ due: 1500, ms: 10 }, pauses)).toBe(true) // due inside
    expect(duringPause({ due: 500, ms: 4000 }, pauses)).toBe(true) // spans it
    expect(duringPause({ due: 2000, ms: 5 }, pauses)).toBe(true) // due at its end
  })

  it('does not count a request wholly before or after every pause', () => {
    expect(duringPause({ due: 100, ms: 800 }, pauses)).toBe(false)
    expect(duringPause({ due: 2001, ms: 50 }, pauses)).toBe(false)
    expect(duringPause({ due: 1500, ms: 10 }, [])).toBe(false)
  })
})
