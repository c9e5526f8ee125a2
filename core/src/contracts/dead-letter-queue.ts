/** An input Twinflow could not use, with why, and where it came from. Nothing is dropped silently. */
export interface DeadLetter {
  /** Stream the input was meant for. */
  stream: string
  /** Which consumer rejected it ('archiver', 'speed', 'ingest', or a source name). */
  stage: string
  reason: string
  /** The raw payload, as received. */
  payload: Buffer
  /** Where it was read from, when it came from the log. */
  topic?: string
  partition?: number
  offset?: number
  /** The source it came from, when a source read it (by the source's name)... */
  source?: string
  /** ...and where in that source: a file and line, a table's cursor, a request's line. */
  position?: string
  at: number
}

/** Read payloads are cut to this many bytes (`StoredDeadLetter.payloadBytes` says how long they were). */
export const DEAD_LETTER_PAYLOAD_BYTES = 4096

/** A query of a stream's dead letters, newest first. */
export interface DeadLetterQuery {
  stream: string
  /** Only the letters of this stage: 'archiver', 'speed', 'load', a source's name. */
  stage?: string
  /** Only the letters whose reason starts with this, e.g. 'schema' or 'future'. */
  reason?: string
  /** At most this many letters. */
  limit: number
  /** The `next` of a previous page: the letters older than that page's. */
  after?: string | null
}

/** A dead letter as read back: its payload cut to DEAD_LETTER_PAYLOAD_BYTES. */
export interface StoredDeadLetter extends DeadLetter {
  /** The payload's length as received, in bytes. */
  payloadBytes: number
}

export interface DeadLetterPage {
  letters: StoredDeadLetter[]
  /** Pass it as `after` for the next, older page; null when there is none. */
  next: string | null
}

/**
 * Where invalid inputs go (a Kafka topic in production, memory when embedded).
 * Lifecycle: `connect()`, then `write()` and `read()` any number of times, `close()`.
 * Errors: `unavailable` (retriable): the caller must not commit its input until `write` resolved;
 * a write before `connect()` or after `close()` rejects (never drops letters).
 */
export interface DeadLetterQueue {
  connect(): Promise<void>
  close(): Promise<void>
  write(letters: readonly DeadLetter[]): Promise<void>
  /**
   * A stream's letters that the queue keeps for reading, newest first (a bounded number: the
   * newest, as each queue documents), filtered and paged. A letter written again for the same
   * input by the same stage (a redelivery) is read once. Payloads are cut to DEAD_LETTER_PAYLOAD_BYTES.
   */
  read(query: DeadLetterQuery): Promise<DeadLetterPage>
  /** Dead letters written so far by this process, keyed `<stream>/<stage>` (for metrics). */
  counts(): ReadonlyMap<string, number>
}
