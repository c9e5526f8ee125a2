/**
 * Two HyperLogLog sketches merged (registers encoded `index * 64 + rank`, ascending by index): the
 * higher rank per index. A new array; neither input changes.
 */
export function mergeRegisters(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[]
  if (a.length === 0) return b as number[]
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i]!
    const y = b[j]!
    const ix = x >>> 6
    const iy = y >>> 6
    if (ix < iy) {
      out.push(x)
      i++
    } else if (iy < ix) {
      out.push(y)
      j++
    } else {
      out.push(x > y ? x : y)
      i++
      j++
    }
  }
  while (i < a.length) out.push(a[i++]!)
  while (j < b.length) out.push(b[j++]!)
  return out
}
