import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { count, defineStream, defineView, sum, t } from '../index.ts'
import { alertRange, breaksRule, changeRatio, comparable, zScore } from './alert-maths.ts'

const stream = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const hourly = defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: (o) => ({ n: count(), cents: sum(o.cents) }) })
const H = 3_600_000

describe('alertRange', () => {
  it('ends after the current window and spans the range', () => {
    const now = Date.UTC(2026, 10, 23, 12, 30)
    expect(alertRange({ view: hourly, rangeMs: H }, now)).toEqual({ from: Date.UTC(2026, 10, 23, 12), to: Date.UTC(2026, 10, 23, 13) })
    expect(alertRange({ view: hourly, rangeMs: 3 * H }, Date.UTC(2026, 10, 23, 13))).toEqual({ from: Date.UTC(2026, 10, 23, 11), to: Date.UTC(2026, 10, 23, 14) })
  })
  it('always holds now and a whole number of windows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1e11, max: 4e12 }), fc.integer({ min: 1, max: 48 }), (now, windows) => {
        const { from, to } = alertRange({ view: hourly, rangeMs: windows * H }, now)
        expect(from <= now && now < to).toBe(true)
        expect(to - from).toBe(windows * H)
        expect(from % H).toBe(0)
      }),
    )
  })
})

describe('changeRatio', () => {
  it('is the change as a fraction of the value before', () => {
    expect(changeRatio(150, 100)).toBe(0.5)
    expect(changeRatio(70, 100)).toBeCloseTo(-0.3)
    expect(changeRatio(-50, -100)).toBe(0.5)
    expect(changeRatio(10, 0)).toBeNull()
    expect(changeRatio(null, 1)).toBeNull()
    expect(changeRatio(1, null)).toBeNull()
  })
  it('gives back the value: before × (1 + ratio) = now', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), (now, before) => {
        fc.pre(Math.abs(before) > 1e-6)
        const ratio = changeRatio(now, before)!
        expect(before + Math.abs(before) * ratio).toBeCloseTo(now, 3)
      }),
    )
  })
})

describe('zScore', () => {
  it('counts standard deviations (n − 1) from the mean of the samples', () => {
    // samples 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd sqrt(32/7)
    expect(zScore(5 + Math.sqrt(32 / 7) * 2, [2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2)
    expect(zScore(5, [2, 4, 4, 4, 5, 5, 7, 9])).toBe(0)
  })
  it('has no value without two samples or with no spread, and skips missing samples', () => {
    expect(zScore(1, [3])).toBeNull()
    expect(zScore(1, [3, 3, 3])).toBeNull()
    expect(zScore(null, [1, 2])).toBeNull()
    expect(zScore(3, [1, null, 2, null])).toBeCloseTo((3 - 1.5) / Math.SQRT1_2)
  })
  it('does not change when every value is shifted or scaled by a positive factor', () => {
    const sample = fc.integer({ min: -10_000, max: 10_000 })
    fc.assert(
      fc.property(sample, fc.array(sample, { minLength: 2, maxLength: 30 }), sample, fc.double({ min: 0.5, max: 10, noNaN: true }), (x, xs, shift, scale) => {
        fc.pre(new Set(xs).size > 1)
        const z = zScore(x, xs)
        expect(z).not.toBeNull()
        const moved = zScore(
          x * scale + shift,
          xs.map((v) => v * scale + shift),
        )
        expect(moved).not.toBeNull()
        expect(moved!).toBeCloseTo(z!, 6)
      }),
    )
  })
})

describe('breaksRule', () => {
  it('compares strictly, and a missing value never breaks', () => {
    expect(breaksRule({ direction: 'above', threshold: 10 }, 11)).toBe(true)
    expect(breaksRule({ direction: 'above', threshold: 10 }, 10)).toBe(false)
    expect(breaksRule({ direction: 'below', threshold: 10 }, 9)).toBe(true)
    expect(breaksRule({ direction: 'below', threshold: 10 }, null)).toBe(false)
  })
  it('comparable drops what is not a finite number', () => {
    expect([comparable(1.5), comparable(Number.NaN), comparable(Number.POSITIVE_INFINITY), comparable('x'), comparable(null)]).toEqual([1.5, null, null, null, null])
  })
})
