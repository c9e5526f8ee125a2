/** Registers kept as a list until there are this many; then as a dense array of ranks. */
const SPARSE_LIMIT = 48

/**
 * The registers of one group of a log batch, as events set them (the speed layer's hot path). A
 * batch's group mostly has a few events: their registers are kept as a short list (no allocation
 * of 2^precision bytes per group, which churned the garbage collector), and only a group that sets
 * many becomes a dense array of ranks with the list of indexes set, so that the sketch's sparse
 * form costs the registers set, not 2^precision.
 */
export class RegisterAccumulator {
  readonly #size: number
  /** Sparse form: indexes and their ranks, in the order first set. */
  #indexes: number[] = []
  #ranks: number[] = []
  /** Dense form, once the list outgrew SPARSE_LIMIT. */
  #dense: Uint8Array | null = null

  constructor(precision: number) {
    this.#size = 2 ** precision
  }

  /** Adds one event's register (`index * 64 + rank`; 0: none). */
  add(register: number): void {
    const index = register >>> 6
    const rank = register & 63
    if (rank === 0) return
    const dense = this.#dense
    if (dense !== null) {
      const current = dense[index]!
      if (rank <= current) return
      if (current === 0) this.#indexes.push(index)
      dense[index] = rank
      return
    }
    const indexes = this.#indexes
    for (let i = 0; i < indexes.length; i++) {
      if (indexes[i] === index) {
        if (rank > this.#ranks[i]!) this.#ranks[i] = rank
        return
      }
    }
    indexes.push(index)
    this.#ranks.push(rank)
    if (indexes.length > SPARSE_LIMIT) this.#densify()
  }

  /** Merges a sketch (sparse form). */
  merge(registers: readonly number[]): void {
    for (const register of registers) this.add(register)
  }

  /** The sparse form: registers `index * 64 + rank`, ascending by index. */
  registers(): number[] {
    const indexes = this.#indexes
    const dense = this.#dense
    const out = new Array<number>(indexes.length)
    if (dense !== null) {
      // Numeric sort of a typed array: no comparator called per comparison.
      const sorted = Int32Array.from(indexes).sort()
      for (let i = 0; i < sorted.length; i++) out[i] = sorted[i]! * 64 + dense[sorted[i]!]!
      return out
    }
    // At most SPARSE_LIMIT registers: an insertion sort as they are written (indexes are distinct).
    const ranks = this.#ranks
    for (let i = 0; i < indexes.length; i++) {
      const register = indexes[i]! * 64 + ranks[i]!
      let j = i
      for (; j > 0 && out[j - 1]! > register; j--) out[j] = out[j - 1]!
      out[j] = register
    }
    return out
  }

  #densify(): void {
    const dense = new Uint8Array(this.#size)
    for (let i = 0; i < this.#indexes.length; i++) dense[this.#indexes[i]!] = this.#ranks[i]!
    this.#dense = dense
    this.#ranks = []
  }
}
