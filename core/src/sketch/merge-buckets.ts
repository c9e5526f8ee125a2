/**
 * Two quantile sketches merged (flat [key, count, key, count, ...], ascending by key): counts of
 * equal keys added. A new array; neither input changes.
 */
export function mergeBuckets(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[]
  if (a.length === 0) return b as number[]
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i]!
    const y = b[j]!
    if (x < y) {
      out.push(x, a[i + 1]!)
      i += 2
    } else if (y < x) {
      out.push(y, b[j + 1]!)
      j += 2
    } else {
      out.push(x, a[i + 1]! + b[j + 1]!)
      i += 2
      j += 2
    }
  }
  for (; i < a.length; i += 2) out.push(a[i]!, a[i + 1]!)
  for (; j < b.length; j += 2) out.push(b[j]!, b[j + 1]!)
  return out
}
