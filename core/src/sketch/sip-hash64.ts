/**
 * SipHash-2-4 with the zero key over `length` bytes of `data`: ClickHouse's `sipHash64` (every
 * release since the first has computed it so), in unsigned 32-bit halves held in locals (a sum's
 * carry is its low half wrapping below an addend). Writes the 64-bit result to `out` as
 * [high, low]. No allocation and no call per round: this runs for every event of a distinct()
 * measure in the speed layer; the two copies of the round are the compression and finalization
 * rounds (2 and 4 of them).
 */
export function sipHash64(data: Uint8Array, length: number, out: Uint32Array): void {
  let v0h = 0x736f6d65
  let v0l = 0x70736575
  let v1h = 0x646f7261
  let v1l = 0x6e646f6d
  let v2h = 0x6c796765
  let v2l = 0x6e657261
  let v3h = 0x74656462
  let v3l = 0x79746573
  let lo = 0
  let t = 0
  const blocks = length - (length % 8)
  for (let i = 0; i <= blocks; i += 8) {
    let ml: number
    let mh: number
    if (i < blocks) {
      ml = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0
      mh = (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24)) >>> 0
    } else {
      // The last block: the remaining bytes, and the length's low byte in the top byte.
      ml = 0
      mh = (length & 0xff) << 24
      for (let j = 0; j < length - blocks; j++) {
        const byte = data[blocks + j]!
        if (j < 4) ml |= byte << (8 * j)
        else mh |= byte << (8 * (j - 4))
      }
      ml >>>= 0
      mh >>>= 0
    }
    v3h = (v3h ^ mh) >>> 0
    v3l = (v3l ^ ml) >>> 0
    for (let round = 0; round < 2; round++) {
      // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
      lo = (v0l + v1l) >>> 0
      v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0
      v0l = lo
      t = ((v1h << 13) | (v1l >>> 19)) ^ v0h
      v1l = (((v1l << 13) | (v1h >>> 19)) ^ v0l) >>> 0
      v1h = t >>> 0
      t = v0h
      v0h = v0l
      v0l = t
      // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
      lo = (v2l + v3l) >>> 0
      v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0
      v2l = lo
      t = ((v3h << 16) | (v3l >>> 16)) ^ v2h
      v3l = (((v3l << 16) | (v3h >>> 16)) ^ v2l) >>> 0
      v3h = t >>> 0
      // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
      lo = (v0l + v3l) >>> 0
      v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0
      v0l = lo
      t = ((v3h << 21) | (v3l >>> 11)) ^ v0h
      v3l = (((v3l << 21) | (v3h >>> 11)) ^ v0l) >>> 0
      v3h = t >>> 0
      // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
      lo = (v2l + v1l) >>> 0
      v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0
      v2l = lo
      t = ((v1h << 17) | (v1l >>> 15)) ^ v2h
      v1l = (((v1l << 17) | (v1h >>> 15)) ^ v2l) >>> 0
      v1h = t >>> 0
      t = v2h
      v2h = v2l
      v2l = t
    }
    v0h = (v0h ^ mh) >>> 0
    v0l = (v0l ^ ml) >>> 0
  }
  v2l = (v2l ^ 0xff) >>> 0
  for (let round = 0; round < 4; round++) {
    // v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    lo = (v0l + v1l) >>> 0
    v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0
    v0l = lo
    t = ((v1h << 13) | (v1l >>> 19)) ^ v0h
    v1l = (((v1l << 13) | (v1h >>> 19)) ^ v0l) >>> 0
    v1h = t >>> 0
    t = v0h
    v0h = v0l
    v0l = t
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    lo = (v2l + v3l) >>> 0
    v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0
    v2l = lo
    t = ((v3h << 16) | (v3l >>> 16)) ^ v2h
    v3l = (((v3l << 16) | (v3h >>> 16)) ^ v2l) >>> 0
    v3h = t >>> 0
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    lo = (v0l + v3l) >>> 0
    v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0
    v0l = lo
    t = ((v3h << 21) | (v3l >>> 11)) ^ v0h
    v3l = (((v3l << 21) | (v3h >>> 11)) ^ v0l) >>> 0
    v3h = t >>> 0
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    lo = (v2l + v1l) >>> 0
    v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0
    v2l = lo
    t = ((v1h << 17) | (v1l >>> 15)) ^ v2h
    v1l = (((v1l << 17) | (v1h >>> 15)) ^ v2l) >>> 0
    v1h = t >>> 0
    t = v2h
    v2h = v2l
    v2l = t
  }
  out[0] = v0h ^ v1h ^ v2h ^ v3h
  out[1] = v0l ^ v1l ^ v2l ^ v3l
}
