import { describe, expect, it } from 'vitest'
import { BucketAccumulator } from './bucket-accumulator.ts'
import { bitsForRelativeError, bucketKey } from './bucket-key.ts'
import { hllEstimate } from './hll-estimate.ts'
import { hllRegister } from './hll-register.ts'
import { mergeBuckets } from './merge-buckets.ts'
import { mergeRegisters } from './merge-registers.ts'
import { quantileOfBuckets } from './quantile-of-buckets.ts'
import { RegisterAccumulator } from './register-accumulator.ts'

/** The estimate of `n` distinct values (`<prefix>-0` ... `<prefix>-<n-1>`), each seen twice. */
function estimate(n: number, precision: number, prefix = 'user'): number {
  const registers = new RegisterAccumulator(precision)
  for (let repeat = 0; repeat < 2; repeat++) for (let i = 0; i < n; i++) registers.add(hllRegister(`${prefix}-${i}`, precision))
  return hllEstimate(registers.registers(), precision)
}

/** A deterministic pseudo-random sequence in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('distinct(): HyperLogLog error against exact counts (documented in README)', () => {
  it('is exact or within one for small sets, and within 3 standard errors (1.04/√m) from 1k to 1M values', () => {
    for (const n of [0, 1, 2, 10, 100]) expect(Math.abs(estimate(n, 12) - n)).toBeLessThanOrEqual(1)
    for (const n of [1_000, 10_000, 100_000, 1_000_000]) expect(Math.abs(estimate(n, 12) - n) / n).toBeLessThan((3 * 1.04) / 64)
  })

  it('has a root-mean-square relative error close to 1.04/√m over many sets (precision 10 and 12)', () => {
    for (const precision of [10, 12]) {
      const errors = Array.from({ length: 40 }, (_, set) => (estimate(20_000, precision, `set${set}`) - 20_000) / 20_000)
      const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length)
      expect(rms).toBeLessThan((1.3 * 1.04) / Math.sqrt(2 ** precision))
    }
  })

  it('merges sketches of any split into the sketch of one pass', () => {
    const all = new RegisterAccumulator(8)
    const parts = [new RegisterAccumulator(8), new RegisterAccumulator(8), new RegisterAccumulator(8)]
    for (let i = 0; i < 5000; i++) {
      const register = hllRegister(String(i * 7), 8)
      all.add(register)
      parts[i % 3]!.add(register)
    }
    const merged = parts.map((p) => p.registers()).reduce((a, b) => mergeRegisters(a, b))
    expect(merged).toEqual(all.registers())
  })
})

describe('quantiles(): error against the exact value of the rank (documented in README)', () => {
  const qs = [0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]
  const datasets: Record<string, (r: () => number) => number> = {
    // latencies: log-normal-ish, 0.1 ms to minutes
    latency: (r) => Math.exp(Math.log(20) + 1.5 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
    uniform: (r) => r() * 1000,
    'integers with zeros and negatives': (r) => Math.floor(r() * 2001) - 1000,
    'prices in cents': (r) => Math.round(100 + r() ** 3 * 1_000_000),
  }
  for (const relativeError of [0.01, 0.02, 0.05]) {
    const bits = bitsForRelativeError(relativeError)
    it(`is within ${relativeError * 100} % (${bits} bits) of the exact value on ${Object.keys(datasets).join(', ')}`, () => {
      for (const [, make] of Object.entries(datasets)) {
        const r = random(7)
        const values = Array.from({ length: 50_000 }, () => make(r))
        const sketch = new BucketAccumulator()
        for (const v of values) sketch.add(bucketKey(v, bits))
        const sorted = values.slice().sort((a, b) => a - b)
        for (const q of qs) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))]!
          const estimated = quantileOfBuckets(sketch.buckets(), q, bits)!
          if (exact === 0) expect(estimated).toBe(0)
          else expect(Math.abs(estimated - exact) / Math.abs(exact)).toBeLessThanOrEqual(relativeError)
        }
      }
    })
  }

  it('merges sketches of any split into the sketch of one pass, and is null when empty', () => {
    const r = random(3)
    const values = Array.from({ length: 10_000 }, () => r() * 100 - 20)
    const all = new BucketAccumulator()
    const halves = [new BucketAccumulator(), new BucketAccumulator()]
    values.forEach((v, i) => {
      all.add(bucketKey(v, 6))
      halves[i % 2]!.add(bucketKey(v, 6))
    })
    expect(mergeBuckets(halves[0]!.buckets(), halves[1]!.buckets())).toEqual(all.buckets())
    expect(quantileOfBuckets([], 0.5, 6)).toBeNull()
  })
})
