const LF = 0x0a

/**
 * A block of master-table rows as TabSeparated UTF-8 bytes (masterTsv lines), written into one
 * growing buffer: a row's line is garbage as soon as it is written, so a block of 100k rows holds
 * one buffer, not 100k strings. Rows are of consecutive offsets from `first`.
 */
export class TsvBlock {
  #bytes: Buffer
  #length = 0
  rows = 0
  first = -1

  constructor(capacity = 1 << 20) {
    this.#bytes = Buffer.allocUnsafe(capacity)
  }

  /** Appends a row's line (ending in its line feed, the only one: values escape theirs). */
  add(offset: number, line: string): void {
    if (this.rows === 0) this.first = offset
    // At most 3 UTF-8 bytes per UTF-16 unit.
    const need = this.#length + line.length * 3
    if (need > this.#bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#bytes.length * 2))
      this.#bytes.copy(grown, 0, 0, this.#length)
      this.#bytes = grown
    }
    this.#length += this.#bytes.write(line, this.#length)
    this.rows++
  }

  /** The block's bytes; the writer starts a new block (its buffer as large as this one got). */
  take(): { bytes: Buffer; rows: number; first: number } {
    const taken = { bytes: this.#bytes.subarray(0, this.#length), rows: this.rows, first: this.first }
    this.#bytes = Buffer.allocUnsafe(this.#bytes.length)
    this.#length = 0
    this.rows = 0
    this.first = -1
    return taken
  }
}

/** The bytes after the first `rows` lines (all of them for 0). */
export function afterLines(bytes: Buffer, rows: number): Buffer {
  let at = 0
  for (let i = 0; i < rows; i++) {
    const lf = bytes.indexOf(LF, at)
    if (lf < 0) return bytes.subarray(bytes.length)
    at = lf + 1
  }
  return bytes.subarray(at)
}
