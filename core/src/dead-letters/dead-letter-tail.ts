import { DEAD_LETTER_PAYLOAD_BYTES, type DeadLetter, type DeadLetterPage, type DeadLetterQuery, type StoredDeadLetter } from '../contracts/dead-letter-queue.ts'
import { TwinflowError } from '../errors/twinflow-error.ts'
import { deadLetterIdentity } from './dead-letter-identity.ts'

/** Most letters one read returns. */
export const MAX_DEAD_LETTER_PAGE = 1000

/**
 * The newest `capacity` dead letters, for reading (the memory queue keeps its letters here; a
 * queue whose letters are elsewhere, such as a Kafka topic, keeps a tail of them here). Each letter
 * gets a sequence number when added; a page's cursor is the sequence number of its oldest letter,
 * so pages stay stable while letters are added. A letter whose identity (stage and input) was
 * added before replaces nothing and is not added again. Payloads are cut when added.
 */
export class DeadLetterTail {
  readonly #letters: { seq: number; letter: StoredDeadLetter }[] = []
  readonly #identities = new Map<string, number>()
  #seq = 0

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#letters.length
  }

  /** Adds a letter (the newest); returns false when a letter of the same stage and input is kept already. */
  add(letter: DeadLetter): boolean {
    const identity = deadLetterIdentity(letter)
    if (identity !== null && this.#identities.has(identity)) return false
    const seq = ++this.#seq
    const payloadBytes = letter.payload.length
    const payload = Buffer.from(payloadBytes > DEAD_LETTER_PAYLOAD_BYTES ? letter.payload.subarray(0, DEAD_LETTER_PAYLOAD_BYTES) : letter.payload)
    this.#letters.push({ seq, letter: { ...letter, payload, payloadBytes } })
    if (identity !== null) this.#identities.set(identity, seq)
    while (this.#letters.length > this.capacity) {
      const { letter: dropped } = this.#letters.shift()!
      const id = deadLetterIdentity(dropped)
      if (id !== null && this.#identities.get(id) !== undefined) this.#identities.delete(id)
    }
    return true
  }

  /** Every letter kept, oldest first. */
  all(): StoredDeadLetter[] {
    return this.#letters.map(({ letter }) => ({ ...letter, payload: Buffer.from(letter.payload) }))
  }

  /** The query's page, newest first. Throws a `validation` error for a bad limit or cursor. */
  read(query: DeadLetterQuery): DeadLetterPage {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_DEAD_LETTER_PAGE) {
      throw new TwinflowError('validation', `limit must be an integer from 1 to ${MAX_DEAD_LETTER_PAGE}, got ${query.limit}`)
    }
    const before = query.after == null ? Number.POSITIVE_INFINITY : Number(query.after)
    if (!Number.isSafeInteger(before) && before !== Number.POSITIVE_INFINITY) throw new TwinflowError('validation', `not a dead-letter cursor: ${JSON.stringify(query.after)}`)
    const letters: StoredDeadLetter[] = []
    let last = 0
    for (let i = this.#letters.length - 1; i >= 0; i--) {
      const { seq, letter } = this.#letters[i]!
      if (seq >= before || letter.stream !== query.stream) continue
      if (query.stage !== undefined && letter.stage !== query.stage) continue
      if (query.reason !== undefined && !letter.reason.startsWith(query.reason)) continue
      if (letters.length === query.limit) return { letters, next: String(last) }
      letters.push({ ...letter, payload: Buffer.from(letter.payload) })
      last = seq
    }
    return { letters, next: null }
  }
}
