/** A contribution that adds nothing to a quantile sketch (the argument was null). */
export const NO_BUCKET = 2 ** 31

/** Buckets kept as a list until there are this many; then in a map. */
const LIST_LIMIT = 32

/**
 * The bucket counts of one group of a log batch, as events add to them (the speed layer's hot
 * path): a short list of keys and counts while the group has few (most groups of a batch), a map
 * once it has many.
 */
export class BucketAccumulator {
  #keys: number[] = []
  #counts: number[] = []
  #map: Map<number, number> | null = null

  /** Adds one event's bucket key (NO_BUCKET: none). */
  add(key: number): void {
    if (key === NO_BUCKET) return
    this.#addCount(key, 1)
  }

  /** Merges a sketch (flat [key, count, ...]). */
  merge(buckets: readonly number[]): void {
    for (let i = 0; i < buckets.length; i += 2) this.#addCount(buckets[i]!, buckets[i + 1]!)
  }

  /** The flat form, ascending by key. */
  buckets(): number[] {
    const map = this.#map
    if (map !== null) {
      // Numeric sort of a typed array: no comparator called per comparison, no pair per bucket.
      const keys = new Float64Array(map.size)
      let k = 0
      for (const key of map.keys()) keys[k++] = key
      keys.sort()
      const out = new Array<number>(keys.length * 2)
      for (let i = 0; i < keys.length; i++) {
        out[2 * i] = keys[i]!
        out[2 * i + 1] = map.get(keys[i]!)!
      }
      return out
    }
    // At most LIST_LIMIT distinct keys: an insertion sort of the pairs as they are written.
    const keys = this.#keys
    const counts = this.#counts
    const out = new Array<number>(keys.length * 2)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!
      let j = i
      for (; j > 0 && out[2 * (j - 1)]! > key; j--) {
        out[2 * j] = out[2 * (j - 1)]!
        out[2 * j + 1] = out[2 * (j - 1) + 1]!
      }
      out[2 * j] = key
      out[2 * j + 1] = counts[i]!
    }
    return out
  }

  #addCount(key: number, count: number): void {
    const map = this.#map
    if (map !== null) {
      map.set(key, (map.get(key) ?? 0) + count)
      return
    }
    const keys = this.#keys
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === key) {
        this.#counts[i]! += count
        return
      }
    }
    keys.push(key)
    this.#counts.push(count)
    if (keys.length > LIST_LIMIT) {
      this.#map = new Map(keys.map((k, i) => [k, this.#counts[i]!]))
      this.#keys = []
      this.#counts = []
    }
  }
}
