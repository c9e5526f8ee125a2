import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BucketAccumulator, NO_BUCKET } from './bucket-accumulator.ts'
import { RegisterAccumulator } from './register-accumulator.ts'

/** Registers `index * 64 + rank` of precision 8 (rank 0: no register). */
const register = fc.record({ index: fc.integer({ min: 0, max: 255 }), rank: fc.integer({ min: 0, max: 57 }) }).map(({ index, rank }) => index * 64 + rank)
/** Bucket keys of 6 bits, both signs and 0, or no bucket. */
const bucket = fc.oneof(fc.integer({ min: -(2 ** 17), max: 2 ** 17 }), fc.integer({ min: -40, max: 40 }), fc.constant(NO_BUCKET))

describe('sketch accumulators give the canonical form of what was added (sparse and dense, list and map)', () => {
  it('RegisterAccumulator: the highest rank per index set, ascending by index', () => {
    fc.assert(
      fc.property(fc.array(register, { maxLength: 400 }), (added) => {
        const accumulator = new RegisterAccumulator(8)
        for (const r of added) accumulator.add(r)
        const highest = new Map<number, number>()
        for (const r of added) if (r % 64 > 0) highest.set(r >>> 6, Math.max(highest.get(r >>> 6) ?? 0, r % 64))
        const expected = [...highest].sort((a, b) => a[0] - b[0]).map(([index, rank]) => index * 64 + rank)
        expect(accumulator.registers()).toEqual(expected)
      }),
    )
  })

  it('BucketAccumulator: the count per key, ascending by key', () => {
    fc.assert(
      fc.property(fc.array(bucket, { maxLength: 200 }), (added) => {
        const accumulator = new BucketAccumulator()
        for (const key of added) accumulator.add(key)
        const counts = new Map<number, number>()
        for (const key of added) if (key !== NO_BUCKET) counts.set(key, (counts.get(key) ?? 0) + 1)
        const expected = [...counts].sort((a, b) => a[0] - b[0]).flat()
        expect(accumulator.buckets()).toEqual(expected)
      }),
    )
  })
})
