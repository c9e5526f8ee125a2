/**
 * Kafka's murmur2 hash (org.apache.kafka.common.utils.Utils.murmur2) of a key's UTF-8 bytes, as a
 * signed 32-bit integer. The memory log partitions keyed messages with it exactly as Kafka's
 * default partitioner does, so that a key lands in the same partition in both.
 */
export function murmur2(key: string | Uint8Array): number {
  const data = typeof key === 'string' ? Buffer.from(key, 'utf8') : key
  const length = data.length
  const m = 0x5bd1e995
  let h = 0x9747b28c ^ length
  const length4 = length >> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24)
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m) ^ k
  }
  const tail = length & ~3
  // Java's switch falls through: 3 takes byte 2, then 1 and 0 like the shorter tails.
  const rest = length & 3
  if (rest === 3) h ^= data[tail + 2]! << 16
  if (rest >= 2) h ^= data[tail + 1]! << 8
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, m)
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** The partition Kafka's default partitioner picks for a key: `toPositive(murmur2(key)) % partitions`. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions
}
