import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limiter.ts'

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then one more per 60/perMinute seconds, per client', () => {
    const limiter = new RateLimiter(3)
    const at = 1_000_000
    expect([1, 2, 3].map(() => limiter.take('a', at))).toEqual([0, 0, 0])
    expect(limiter.take('a', at)).toBe(20) // seconds until the next token
    expect(limiter.take('b', at)).toBe(0) // other clients are not affected
    expect(limiter.take('a', at + 19_999)).toBe(1)
    expect(limiter.take('a', at + 20_001)).toBe(0)
    expect(limiter.take('a', at + 20_002)).toBeGreaterThan(0)
  })

  it('forgets the least recently seen clients beyond its capacity (they start full again)', () => {
    const limiter = new RateLimiter(1, 2)
    expect(limiter.take('a', 0)).toBe(0)
    expect(limiter.take('a', 0)).toBeGreaterThan(0)
    limiter.take('b', 0)
    limiter.take('c', 0)
    expect(limiter.take('a', 0)).toBe(0)
  })
})
