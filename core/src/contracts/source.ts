/** Raw inputs read from a source, acknowledged once Twinflow has made them durable in the log. */
export interface SourceBatch {
  /** Raw payloads; each becomes one log message (validated later, invalid ones dead-lettered). */
  messages: { key?: string; value: Buffer | string }[]
  /** Called after the batch is in the log. The source may then forget it. */
  ack(): Promise<void>
}

/** Returned by `read` when a finite source is exhausted. */
export const END_OF_INPUT = Symbol.for('@twinflow/core/END_OF_INPUT')

/**
 * An input of events for one stream (HTTP, files, SQL tables, a generator...). Modelled on
 * Benthos inputs.
 * Lifecycle: `connect()` → `read()` repeatedly (each batch is acked before the next read) → `close()`.
 * `read` resolves END_OF_INPUT when a finite source is done; it may wait for data; it rejects with
 * a retriable `unavailable` error to ask for a reconnect with backoff, or a non-retriable error to
 * stop the source. `signal` aborts a pending read at shutdown.
 */
export interface Source {
  readonly name: string
  readonly stream: string
  connect(): Promise<void>
  read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT>
  close(): Promise<void>
}
