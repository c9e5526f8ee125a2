import type { KafkaMessage } from 'kafkajs'
import type { LogRecord } from '@twinflow/core'

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})
const EMPTY = Buffer.alloc(0)

/**
 * A consumed Kafka message as a LogRecord. The offset and the value are what every consumer reads;
 * the key, timestamp and headers are converted from the message the first time they are read (the
 * speed layer never reads them: converting each message's key to a string cost it 2–3 % of its
 * time).
 */
export class KafkaLogRecord implements LogRecord {
  readonly value: Buffer
  readonly #message: KafkaMessage
  #key: string | null | undefined
  #headers: Record<string, string> | undefined

  constructor(
    message: KafkaMessage,
    readonly offset: number,
  ) {
    this.#message = message
    this.value = message.value ?? EMPTY
  }

  get key(): string | null {
    if (this.#key === undefined) this.#key = this.#message.key ? this.#message.key.toString() : null
    return this.#key
  }

  get timestamp(): number {
    return Number(this.#message.timestamp)
  }

  get headers(): Record<string, string> {
    if (this.#headers === undefined) this.#headers = headersOf(this.#message)
    return this.#headers
  }

  /** The plain object, as JSON and object spreads see a record. */
  toJSON(): LogRecord {
    return { offset: this.offset, key: this.key, value: this.value, timestamp: this.timestamp, headers: this.headers }
  }
}

function headersOf(m: KafkaMessage): Record<string, string> {
  let headers: Record<string, string> = NO_HEADERS
  for (const k in m.headers) {
    const v = m.headers[k]
    if (v === undefined) continue
    if (headers === NO_HEADERS) headers = {}
    headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v)
  }
  return headers
}
