/*
 * The sketches' reference, written from their definitions (README "Declaring a pipeline") with
 * BigInt arithmetic and no Twinflow code: SipHash-2-4 with the zero key as its paper states it,
 * HyperLogLog registers from it, and quantile buckets from a double's IEEE-754 bits.
 */

const MASK = (1n << 64n) - 1n
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK

/** SipHash-2-4(key 0, bytes). */
export function referenceSipHash(bytes: Uint8Array): bigint {
  let v0 = 0x736f6d6570736575n
  let v1 = 0x646f72616e646f6dn
  let v2 = 0x6c7967656e657261n
  let v3 = 0x7465646279746573n
  const round = () => {
    v0 = (v0 + v1) & MASK
    v1 = rotl(v1, 13n) ^ v0
    v0 = rotl(v0, 32n)
    v2 = (v2 + v3) & MASK
    v3 = rotl(v3, 16n) ^ v2
    v0 = (v0 + v3) & MASK
    v3 = rotl(v3, 21n) ^ v0
    v2 = (v2 + v1) & MASK
    v1 = rotl(v1, 17n) ^ v2
    v2 = rotl(v2, 32n)
  }
  const words: bigint[] = []
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    let w = 0n
    for (let j = 7; j >= 0; j--) w = (w << 8n) | BigInt(bytes[i + j]!)
    words.push(w)
  }
  let last = BigInt(bytes.length & 0xff) << 56n
  const tail = bytes.length - (bytes.length % 8)
  for (let j = 0; j < bytes.length % 8; j++) last |= BigInt(bytes[tail + j]!) << BigInt(8 * j)
  words.push(last)
  for (const m of words) {
    v3 ^= m
    round()
    round()
    v0 ^= m
  }
  v2 ^= 0xffn
  for (let i = 0; i < 4; i++) round()
  return v0 ^ v1 ^ v2 ^ v3
}

/** The register (index * 64 + rank) a value's text sets in a sketch of 2^precision registers. */
export function referenceRegister(text: string, precision: number): number {
  const h = referenceSipHash(new TextEncoder().encode(text))
  const index = Number(h & ((1n << BigInt(precision)) - 1n))
  let rest = h >> BigInt(precision)
  let rank = 1
  if (rest === 0n) rank = 65 - precision
  else
    while ((rest & 1n) === 0n) {
      rest >>= 1n
      rank++
    }
  return index * 64 + rank
}

/** The sketch of registers: the highest rank per index, ascending by index. */
export function referenceRegisters(registers: readonly number[]): number[] {
  const best = new Map<number, number>()
  for (const r of registers) best.set(Math.floor(r / 64), Math.max(best.get(Math.floor(r / 64)) ?? 0, r % 64))
  return [...best].sort((a, b) => a[0] - b[0]).map(([index, rank]) => index * 64 + rank)
}

/** The bucket key of x with `bits` buckets per power of two: ±(the top 12 + bits bits of |x|'s IEEE-754 pattern, + 1); 0 for 0. */
export function referenceBucket(x: number, bits: number): number {
  if (x === 0) return 0
  const pattern = new BigUint64Array(new Float64Array([Math.abs(x)]).buffer)[0]!
  const index = Number(pattern >> BigInt(52 - bits))
  return (x < 0 ? -1 : 1) * (index + 1)
}

/** The flat sketch [key, count, ...] of bucket keys, ascending by key. */
export function referenceBuckets(keys: readonly number[]): number[] {
  const counts = new Map<number, number>()
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1)
  return [...counts].sort((a, b) => a[0] - b[0]).flat()
}

/** Whether a value's text is in a sample of `rate`: the high 32 bits of its SipHash below rate · 2^32. */
export function referenceInSample(text: string, rate: number): boolean {
  return Number(referenceSipHash(new TextEncoder().encode(text)) >> 32n) < Math.floor(rate * 2 ** 32)
}
