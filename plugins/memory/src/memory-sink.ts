import { TwinflowError, type FencedBatch, type Sink } from '@twinflow/core'

/**
 * A sink that keeps every batch written to it, in order (for development, tests and tools). It
 * can be told to fail its next writes, to rehearse what a flaky or broken destination does to the
 * speed layer.
 */
export class MemorySink implements Sink {
  readonly name: string
  readonly #batches: FencedBatch[] = []
  readonly #failures: unknown[] = []
  readonly #listeners = new Set<(batch: FencedBatch) => void>()
  #connected = false

  constructor(name = 'memory') {
    this.name = name
  }

  async connect(): Promise<void> {
    this.#connected = true
  }

  async close(): Promise<void> {
    this.#connected = false
  }

  async write(batch: FencedBatch): Promise<void> {
    if (!this.#connected) throw new TwinflowError('unavailable', `sink "${this.name}" is not connected (call connect() first)`, { retriable: false })
    if (this.#failures.length > 0) throw this.#failures.shift()
    this.#batches.push(structuredClone(batch))
    for (const listener of [...this.#listeners]) listener(structuredClone(batch))
  }

  /** Calls `listener` after each write it keeps; returns the function that removes it. */
  onWrite(listener: (batch: FencedBatch) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Makes the next `times` writes reject with `error` (and keep nothing). */
  failNextWrites(error: unknown, times = 1): void {
    for (let i = 0; i < times; i++) this.#failures.push(error)
  }

  /** Every batch written so far, oldest first. */
  batches(): readonly FencedBatch[] {
    return structuredClone(this.#batches)
  }
}
