const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)
/** Which 32-bit word of a double holds its sign, exponent and top 20 significand bits. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0

/**
 * The bucket of a value in Twinflow's quantile sketch: buckets are log-linear, `bits` per power
 * of two (2^bits equal slices of each [2^e, 2^(e+1))), read straight from the IEEE-754 bits of
 * |x|: index = bits(|x|) >> (52 - bits), the bucket key is index + 1, negated for a negative x;
 * 0 is its own bucket (key 0). NaN is NaN (such an event is a dead letter). The batch layer reads
 * the same bits with ClickHouse's reinterpretAsUInt64, so no logarithm can round differently.
 */
export function bucketKey(x: number, bits: number): number {
  if (x === 0) return 0
  if (Number.isNaN(x)) return Number.NaN
  f64[0] = x < 0 ? -x : x
  const index = u32[HIGH]! >>> (20 - bits)
  return x < 0 ? -(index + 1) : index + 1
}

/**
 * The value a bucket stands for: the harmonic mean of its bounds lo and hi, whose relative error
 * for any x of [lo, hi) is at most (hi - lo) / (hi + lo) <= 2^-bits / (2 + 2^-bits): 0.78 % for
 * 6 bits. (Below 2^-1022, subnormal numbers, the bound does not hold; they read as 0 or near it.)
 */
export function bucketValue(key: number, bits: number): number {
  if (key === 0) return 0
  const index = Math.abs(key) - 1
  const lo = fromHighWord(index << (20 - bits))
  const hi = fromHighWord((index + 1) << (20 - bits))
  const value = lo === Infinity ? Infinity : 2 * lo * (hi / (lo + hi))
  return key < 0 ? -value : value
}

/** The double whose high word is `high` (unsigned) and low word 0. */
function fromHighWord(high: number): number {
  u32[HIGH] = high
  u32[1 - HIGH] = 0
  return f64[0]!
}

/** The fewest bits per power of two whose worst relative error is at most `relativeError` (2^-bits / (2 + 2^-bits)). */
export function bitsForRelativeError(relativeError: number): number {
  for (let bits = 1; bits <= 12; bits++) if (2 ** -bits / (2 + 2 ** -bits) <= relativeError) return bits
  return 12
}
