/** Raw inputs read from a source, acknowledged once Twinflow has made them durable in the log. */
export interface SourceBatch {
  /** Raw payloads; each becomes one log message (validated later, invalid ones dead-lettered). */
  messages: { key?: string; value: Buffer | string }[]
  /**
   * Where the source is after this batch (a file offset, a table cursor...), as the source will
   * want it back: saved with the batch in the log, and given to `connect` after a restart, so that
   * the source resumes after the last batch the log holds.
   */
  checkpoint?: string
  /** Called after the batch is in the log. The source may then forget it. */
  ack(): Promise<void>
}

/** Returned by `read` when a finite source is exhausted. */
export const END_OF_INPUT = Symbol.for('@twinflow/core/END_OF_INPUT')

/**
 * An input of events for one stream (HTTP, files, SQL tables, a generator...). Modelled on
 * Benthos inputs.
 * Lifecycle: `connect(checkpoint)` → `read()` repeatedly (each batch is acked before the next read) →
 * `close()`. `connect` gets the checkpoint of the last batch of this source (by name) that the log
 * holds, or null the first time: the source resumes after it. A source needs no durable state of
 * its own.
 * `read` resolves END_OF_INPUT when a finite source is done; it may wait for data; it rejects with
 * a retriable `unavailable` error to ask for a reconnect with backoff, or a non-retriable error to
 * stop the source. `signal` aborts a pending read at shutdown.
 */
export interface Source {
  readonly name: string
  readonly stream: string
  connect(checkpoint: string | null): Promise<void>
  read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT>
  close(): Promise<void>
}
