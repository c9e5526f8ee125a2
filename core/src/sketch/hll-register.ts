import { sipHashText } from './sip-hash-text.ts'

const hash = new Uint32Array(2)

/**
 * The HyperLogLog register a value sets, as Twinflow defines it, encoded `index * 64 + rank`:
 * h = sipHash64 of the value's UTF-8 text (an integer's decimal digits, a boolean's 1 or 0);
 * index = the low `precision` bits of h; rank = 1 + the trailing zeros of the other bits (all
 * zero: 65 - precision). The batch layer computes the same from ClickHouse's sipHash64 (see
 * `distinct`); both register arrays are then equal, merged by the maximum rank per index.
 */
export function hllRegister(text: string, precision: number): number {
  sipHashText(text, hash)
  const high = hash[0]!
  const low = hash[1]!
  const index = low & ((1 << precision) - 1)
  // The bits above the index, low word first.
  const restLow = ((low >>> precision) | (high << (32 - precision))) >>> 0
  const restHigh = high >>> precision
  let rank: number
  if (restLow !== 0) rank = 32 - Math.clz32(restLow & -restLow)
  else if (restHigh !== 0) rank = 64 - Math.clz32(restHigh & -restHigh)
  else rank = 65 - precision
  return index * 64 + rank
}
