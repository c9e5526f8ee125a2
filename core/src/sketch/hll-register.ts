import { sipHash64 } from './sip-hash64.ts'

const encoder = new TextEncoder()
let buffer = new Uint8Array(256)
const hash = new Uint32Array(2)

/**
 * The HyperLogLog register a value sets, as Twinflow defines it, encoded `index * 64 + rank`:
 * h = sipHash64 of the value's UTF-8 text (an integer's decimal digits, a boolean's 1 or 0);
 * index = the low `precision` bits of h; rank = 1 + the trailing zeros of the other bits (all
 * zero: 65 - precision). The batch layer computes the same from ClickHouse's sipHash64 (see
 * `distinct`); both register arrays are then equal, merged by the maximum rank per index.
 */
export function hllRegister(text: string, precision: number): number {
  const length = utf8(text)
  sipHash64(buffer, length, hash)
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

/** Writes the UTF-8 bytes of `text` to the shared buffer (ASCII without the encoder); returns their number. */
function utf8(text: string): number {
  if (text.length * 3 > buffer.length) buffer = new Uint8Array(text.length * 3)
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit > 0x7f) return encoder.encodeInto(text, buffer).written
    buffer[i] = unit
  }
  return text.length
}
