/**
 * The blocks of records read or written last, bounded in bytes (least recently used go first), so
 * that consumers following the tail, and several groups reading the same records, read no file.
 */
export class BlockCache {
  readonly #maxBytes: number
  readonly #blocks = new Map<string, Buffer>()
  #bytes = 0

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  get bytes(): number {
    return this.#bytes
  }

  get(segment: number, position: number): Buffer | undefined {
    const key = `${segment}:${position}`
    const block = this.#blocks.get(key)
    if (block) {
      this.#blocks.delete(key)
      this.#blocks.set(key, block)
    }
    return block
  }

  /** Keeps `block` (not copied: the caller gives up changing it); a block larger than the cache is not kept. */
  set(segment: number, position: number, block: Buffer): void {
    if (block.length > this.#maxBytes) return
    const key = `${segment}:${position}`
    const old = this.#blocks.get(key)
    if (old) {
      this.#bytes -= old.length
      this.#blocks.delete(key)
    }
    this.#blocks.set(key, block)
    this.#bytes += block.length
    for (const [k, b] of this.#blocks) {
      if (this.#bytes <= this.#maxBytes) break
      this.#blocks.delete(k)
      this.#bytes -= b.length
    }
  }

  /** Forgets the blocks of a segment (deleted). */
  dropSegment(segment: number): void {
    const prefix = `${segment}:`
    for (const [k, b] of this.#blocks) {
      if (!k.startsWith(prefix)) continue
      this.#blocks.delete(k)
      this.#bytes -= b.length
    }
  }
}
