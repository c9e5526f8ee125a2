import { DeadLetterTail, TwinflowError, type DeadLetter, type DeadLetterPage, type DeadLetterQuery, type DeadLetterQueue, type Logger, type StoredDeadLetter } from '@twinflow/core'
import { parseMemoryDeadLetterQueueOptions, type MemoryDeadLetterQueueOptions } from './memory-dead-letter-queue-options.ts'

/**
 * The embedded dead-letter queue: keeps the newest `maxLetters` letters in memory for reading
 * (`read`, and `letters()` for tests and tools; payloads cut to DEAD_LETTER_PAYLOAD_BYTES) and
 * counts every letter per `<stream>/<stage>`. Nothing survives the process.
 */
export class MemoryDeadLetterQueue implements DeadLetterQueue {
  readonly #maxLetters: number
  readonly #logger: Logger
  readonly #tail: DeadLetterTail
  readonly #counts = new Map<string, number>()
  #connected = false
  #warned = false

  constructor(options: MemoryDeadLetterQueueOptions, deps: { logger: Logger }) {
    this.#maxLetters = parseMemoryDeadLetterQueueOptions(options).maxLetters
    this.#tail = new DeadLetterTail(this.#maxLetters)
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
      const key = `${letter.stream}/${letter.stage}`
      this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1)
      if (this.#tail.size === this.#maxLetters && !this.#warned) {
        this.#logger.warn('memory dead-letter queue is full; dropping its oldest letters (counts stay exact)', { maxLetters: this.#maxLetters })
        this.#warned = true
      }
      this.#tail.add(letter)
    }
  }

  async read(query: DeadLetterQuery): Promise<DeadLetterPage> {
    return this.#tail.read(query)
  }

  /** Letters per `<stream>/<stage>`, e.g. `orders/speed`. */
  counts(): ReadonlyMap<string, number> {
    return new Map(this.#counts)
  }

  /** The letters kept, oldest first. */
  letters(): readonly StoredDeadLetter[] {
    return this.#tail.all()
  }
}
