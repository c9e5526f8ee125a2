const LF = 0x0a

/**
 * Line numbers of byte offsets in a stream read once, front to back: chunks are added as they are
 * read, and offsets are asked in increasing order (records' positions, then their ends). Memory
 * stays bounded: chunks wholly more than `window` bytes behind the newest byte are counted and let
 * go, so an offset asked that far behind has no line (null). Readers hold at most one record
 * (`maxRecordBytes`) and one chunk, so a window of twice that covers every position they yield.
 */
export class LineIndex {
  readonly #chunks: Buffer[] = []
  /** The offset of `#chunks[0][#at]`, and the line that byte is on. */
  #offset: number
  #line: number
  #at = 0
  /** Offset after the newest byte added. */
  #head: number
  #held = 0

  constructor(
    startOffset: number,
    startLine: number,
    private readonly window: number,
  ) {
    this.#offset = startOffset
    this.#line = startLine
    this.#head = startOffset
  }

  add(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#head += chunk.length
    this.#held += chunk.length
    while (this.#chunks.length > 1 && this.#held - this.#chunks[0]!.length > this.window) this.#countFront(this.#chunks[0]!.length - this.#at)
  }

  /** The line (from 1) the byte at `offset` is on; null when it is behind what is kept, or ahead of what was read. */
  lineAt(offset: number): number | null {
    if (offset < this.#offset || offset > this.#head) return null
    this.#countFront(offset - this.#offset)
    return this.#line
  }

  /** Counts `n` bytes from the front, dropping chunks wholly counted. */
  #countFront(n: number): void {
    while (n > 0 && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!
      const take = Math.min(n, chunk.length - this.#at)
      let from = this.#at
      const to = this.#at + take
      for (let i = chunk.indexOf(LF, from); i >= 0 && i < to; i = chunk.indexOf(LF, from)) {
        this.#line++
        from = i + 1
      }
      this.#at = to
      this.#offset += take
      n -= take
      if (this.#at === chunk.length) {
        this.#chunks.shift()
        this.#held -= chunk.length
        this.#at = 0
      }
    }
  }
}
