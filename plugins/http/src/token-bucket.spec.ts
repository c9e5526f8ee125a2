import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RateLimits } from './rate-limits.ts'
import { TokenBucket } from './token-bucket.ts'

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then one token per 1/rate seconds, and says how long to wait', () => {
    const bucket = new TokenBucket(2, 3, 0)
    expect([bucket.take(1, 0), bucket.take(1, 0), bucket.take(1, 0)]).toEqual([0, 0, 0])
    expect(bucket.take(1, 0)).toBe(500)
    expect(bucket.take(1, 499)).toBe(2)
    expect(bucket.take(1, 500)).toBe(0)
    expect(bucket.take(1, 60_000)).toBe(0)
    expect(bucket.tokens(60_000)).toBe(2) // refilled to its capacity, no more
  })

  it('goes into debt when charged, and has credit again once repaid', () => {
    const bucket = new TokenBucket(100, 100, 0)
    bucket.charge(250, 0)
    expect(bucket.waitForCredit(0)).toBe(1501)
    expect(bucket.waitForCredit(1499)).toBeGreaterThan(0)
    expect(bucket.waitForCredit(1501)).toBe(0)
  })

  it('never lets through more than its capacity plus rate × time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 5 })), { maxLength: 200 }),
        (rate, capacity, steps) => {
          const bucket = new TokenBucket(rate, capacity, 0)
          let now = 0
          let taken = 0
          for (const [dt, n] of steps) {
            now += dt
            if (bucket.take(n, now) === 0) taken += n
            if (taken > capacity + (rate * now) / 1000 + 1e-9) return false
          }
          return true
        },
      ),
    )
  })
})

describe('RateLimits', () => {
  it('keeps a bucket per caller, or one for the stream', () => {
    const perCaller = new RateLimits({ per: 'caller', requestsPerSecond: 1, burstSeconds: 1 })
    expect([perCaller.admit('a', 0), perCaller.admit('b', 0), perCaller.admit('a', 0)]).toEqual([0, 0, 1])
    const perStream = new RateLimits({ per: 'stream', requestsPerSecond: 1, burstSeconds: 2 })
    expect([perStream.admit('a', 0), perStream.admit('b', 0), perStream.admit('c', 0)]).toEqual([0, 0, 1])
  })

  it('admits no request while the events charged exceed the events rate', () => {
    const limits = new RateLimits({ per: 'caller', eventsPerSecond: 1000, burstSeconds: 1 })
    expect(limits.admit('a', 0)).toBe(0)
    limits.charge('a', 5000, 0)
    expect(limits.admit('a', 0)).toBe(5) // 4.001 s: out of debt, a hair of credit
    expect(limits.admit('a', 4001)).toBe(0)
  })
})
