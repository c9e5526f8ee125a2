/**
 * Where a partition's records lie in the write-ahead log: one entry per produce frame that wrote
 * to the partition (first offset, record count, segment, position and length of the block), in
 * offset order, in typed arrays (28 bytes an entry): memory grows with frames, not records.
 * Entries are appended at the end and dropped from the front (retention).
 */
export class FrameIndex {
  #first = new Float64Array(16)
  #count = new Uint32Array(16)
  #segment = new Uint32Array(16)
  #position = new Float64Array(16)
  #length = new Uint32Array(16)
  /** Entries live in [#head, #tail). */
  #head = 0
  #tail = 0

  get length(): number {
    return this.#tail - this.#head
  }

  push(firstOffset: number, count: number, segment: number, position: number, length: number): void {
    if (this.#tail === this.#first.length) this.#grow()
    const i = this.#tail++
    this.#first[i] = firstOffset
    this.#count[i] = count
    this.#segment[i] = segment
    this.#position[i] = position
    this.#length[i] = length
  }

  /** The entry `i` (0 = oldest kept). */
  firstOffset(i: number): number {
    return this.#first[this.#head + i]!
  }
  count(i: number): number {
    return this.#count[this.#head + i]!
  }
  segment(i: number): number {
    return this.#segment[this.#head + i]!
  }
  position(i: number): number {
    return this.#position[this.#head + i]!
  }
  byteLength(i: number): number {
    return this.#length[this.#head + i]!
  }

  /** The entry holding `offset` (the last one whose first offset is <= it), or -1 when it is below every entry. */
  find(offset: number): number {
    let lo = this.#head
    let hi = this.#tail - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.#first[mid]! <= offset) {
        found = mid
        lo = mid + 1
      } else {
        hi = mid - 1
      }
    }
    return found < 0 ? -1 : found - this.#head
  }

  /** Drops the oldest entries while they are in a segment numbered <= `segment`. */
  dropThroughSegment(segment: number): void {
    while (this.#head < this.#tail && this.#segment[this.#head]! <= segment) this.#head++
    if (this.#head === this.#tail) this.#head = this.#tail = 0
  }

  /** Doubles the columns, or compacts them when at least half is dropped entries. */
  #grow(): void {
    const live = this.#tail - this.#head
    const capacity = live * 2 <= this.#first.length ? this.#first.length : this.#first.length * 2
    const move = <T extends Float64Array | Uint32Array>(column: T, make: (n: number) => T): T => {
      const next = make(capacity)
      next.set(column.subarray(this.#head, this.#tail))
      return next
    }
    this.#first = move(this.#first, (n) => new Float64Array(n))
    this.#count = move(this.#count, (n) => new Uint32Array(n))
    this.#segment = move(this.#segment, (n) => new Uint32Array(n))
    this.#position = move(this.#position, (n) => new Float64Array(n))
    this.#length = move(this.#length, (n) => new Uint32Array(n))
    this.#head = 0
    this.#tail = live
  }
}
