const LF = 0x0a

/**
 * Numbers the lines of a body read in chunks, as a client counts them (the first line is 1, each
 * LF starts the next): `feed` every chunk in order, then ask `lineOf(position)` for byte positions
 * in non-decreasing order (the readers give records in order). Keeps only the line ends not passed yet.
 */
export class LineCounter {
  #ends: number[] = []
  #head = 0
  /** Line ends dropped from the front of `#ends`. */
  #passed = 0
  #fed = 0

  feed(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, i + 1)) this.#ends.push(this.#fed + i)
    this.#fed += bytes.length
  }

  /** The line the byte at `position` is on. */
  lineOf(position: number): number {
    const ends = this.#ends
    let head = this.#head
    while (head < ends.length && ends[head]! < position) head++
    if (head > 4096 && head * 2 > ends.length) {
      this.#ends = ends.slice(head)
      this.#passed += head
      head = 0
    }
    this.#head = head
    return this.#passed + head + 1
  }
}
