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
  at: number
}

/**
 * Where invalid inputs go (a Kafka topic in production, memory when embedded).
 * Lifecycle: `connect()`, `write()` any number of times, `close()`.
 * Errors: `unavailable` (retriable): the caller must not commit its input until `write` resolved.
 */
export interface DeadLetterQueue {
  connect(): Promise<void>
  close(): Promise<void>
  write(letters: readonly DeadLetter[]): Promise<void>
  /** Dead letters written so far by this process, keyed `<stream>/<stage>` (for metrics). */
  counts(): ReadonlyMap<string, number>
  /**
   * The newest letters this process wrote, newest first, at most `limit` (an integer >= 1) and at
   * most what the queue keeps (for the dashboard: what was rejected lately, and why). Optional: a
   * queue without it shows counts only.
   */
  recent?(limit: number): readonly DeadLetter[]
}
