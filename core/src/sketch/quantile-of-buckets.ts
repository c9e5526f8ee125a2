import { bucketValue } from './bucket-key.ts'

/**
 * The q-quantile of a quantile sketch (flat [key, count, ...], ascending by key): the value of the
 * bucket holding the value of rank floor(q · (n - 1)) (0-based) of the n values, so within the
 * sketch's relative error of that exact value. Null when the sketch is empty.
 */
export function quantileOfBuckets(buckets: readonly number[], q: number, bits: number): number | null {
  let n = 0
  for (let i = 1; i < buckets.length; i += 2) n += buckets[i]!
  if (n === 0) return null
  const rank = Math.floor(q * (n - 1))
  let seen = 0
  for (let i = 0; i < buckets.length; i += 2) {
    seen += buckets[i + 1]!
    if (seen > rank) return bucketValue(buckets[i]!, bits)
  }
  return bucketValue(buckets[buckets.length - 2]!, bits)
}
