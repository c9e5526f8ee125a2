import { TwinflowError, type DeadLetter, type DeadLetterQueue, type Logger } from '@twinflow/core'
import { parseMemoryDeadLetterQueueOptions, type MemoryDeadLetterQueueOptions } from './memory-dead-letter-queue-options.ts'

/**
 * The embedded dead-letter queue: keeps the newest letters in memory for inspection (`letters()`)
 * and counts every letter per `<stream>/<stage>`.
 */
export class MemoryDeadLetterQueue implements DeadLetterQueue {
  readonly #maxLetters: number
  readonly #logger: Logger
  readonly #letters: DeadLetter[] = []
  readonly #counts = new Map<string, number>()
  #connected = false
  #warned = false

  constructor(options: MemoryDeadLetterQueueOptions, deps: { logger: Logger }) {
    this.#maxLetters = parseMemoryDeadLetterQueueOptions(options).maxLetters
    this.#logger = deps.logger
  }

  async connect(): Promise<void> {
    this.#connected = true
  }

  async close(): Promise<void> {
    this.#connected = false
  }

  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (!this.#connected) throw new TwinflowError('unavailable', 'the memory dead-letter queue is not connected (call connect() first)', { retriable: false })
    for (const letter of letters) {
      this.#letters.push({ ...letter, payload: Buffer.from(letter.payload) })
      const key = `${letter.stream}/${letter.stage}`
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1)
    }
    const excess = this.#letters.length - this.#maxLetters
    if (excess > 0) {
      this.#letters.splice(0, excess)
      if (!this.#warned) this.#logger.warn('memory dead-letter queue is full; dropping its oldest letters (counts stay exact)', { maxLetters: this.#maxLetters })
      this.#warned = true
    }
  }

  /** Letters per `<stream>/<stage>`, e.g. `orders/speed`. */
  counts(): ReadonlyMap<string, number> {
    return new Map(this.#counts)
  }

  /** The newest letters kept, newest first. */
  recent(limit: number): readonly DeadLetter[] {
    return this.#letters
      .slice(-limit)
      .reverse()
      .map((l) => ({ ...l, payload: Buffer.from(l.payload) }))
  }

  /** The letters kept, oldest first. */
  letters(): readonly DeadLetter[] {
    return this.#letters.map((l) => ({ ...l, payload: Buffer.from(l.payload) }))
  }
}
