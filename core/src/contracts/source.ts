import type { HttpEndpoint } from './http-endpoint.ts'

/**
 * One input of a source: a raw JSON payload (`value`) or a record already parsed (`record`: a CSV
 * row, a table row, a Parquet record, an NDJSON line). `position` says where in the source it was
 * (a file and line, a row's cursor, a request's line) for its dead letter, if it is rejected.
 * `rejected`: the source itself could not read this input (a malformed CSV row, a line over a size
 * limit): it goes to the dead-letter queue with this reason, `value` (its bytes, possibly cut) as
 * its payload, and is counted among the batch's rejected ones.
 * `json`: the JSON text a record was parsed from (an NDJSON line): the record is then checked as a
 * raw payload is (JSON's types, no conversion unless the source has a mapping), appended as it is
 * when it passes unmapped, and dead-lettered as it is if rejected.
 */
export type SourceMessage =
  | { key?: string; value: Buffer | string; position?: string; rejected?: string }
  | { key?: string; record: Record<string, unknown>; json?: Buffer; position?: string }

/** What became of a batch's messages: how many are in the log, and which were rejected (by index in `messages`) and why. */
export interface IngestOutcome {
  accepted: number
  rejected: { index: number; reason: string }[]
}

/**
 * Inputs read from a source, acknowledged once Twinflow has made them durable. Each message is
 * mapped (the source's `mapping` in the config) and validated against the stream first: valid ones
 * go to the log, each one message; rejected ones go to the dead-letter queue with their reason.
 */
export interface SourceBatch {
  messages: SourceMessage[]
  /**
   * Where the source is after this batch (a file offset, a table cursor...), as the source will
   * want it back: saved with the batch in the log, and given to `connect` after a restart, so that
   * the source resumes after the last batch the log holds.
   */
  checkpoint?: string
  /**
   * For a source whose checkpoint records what became of the batch (an HTTP source keeps each
   * idempotency key's outcome in it): called with the batch's outcome once its messages are checked,
   * before the append, and its answer is saved in place of `checkpoint` (undefined: none). It must
   * not change the source's state: the append may still fail, and then `ack` is never called.
   */
  checkpointAfter?(outcome: IngestOutcome): string | undefined
  /** Called after the valid messages are in the log and the rejected ones in the dead-letter queue. The source may then forget the batch. */
  ack(outcome: IngestOutcome): Promise<void>
}

/** Returned by `read` when a finite source is exhausted. */
export const END_OF_INPUT = Symbol.for('@twinflow/core/END_OF_INPUT')

/**
 * An input of events for one stream (HTTP, files, SQL tables, a generator...). Modelled on
 * Benthos inputs.
 * Lifecycle: `connect(checkpoint)` → `read()` repeatedly (each batch is acked before the next read,
 * unless the source has `readAhead`) →
 * `close()`. `connect` gets the checkpoint of the last batch of this source (by name) that the log
 * holds, or null the first time: the source resumes after it. A source needs no durable state of
 * its own.
 * `read` resolves END_OF_INPUT when a finite source is done; it may wait for data; it rejects with
 * a retriable `unavailable` error to ask for a reconnect with backoff, or a non-retriable error to
 * stop the source. `signal` aborts a pending read at shutdown.
 * A source that receives its input over HTTP (a push source) has `http`: routes the process mounts
 * on its HTTP server behind the API's authentication while the source runs (see HttpEndpoint).
 */
export interface Source {
  readonly name: string
  readonly stream: string
  /** HTTP routes of a push source (optional capability; see HttpEndpoint). */
  readonly http?: HttpEndpoint
  /**
   * Optional capability: `read` may be called again before the previous batch is acked (at most
   * one batch ahead), so that the next batch is read and checked while the previous one is
   * appended. The source then reads on from the end of the last batch it returned; batches are
   * acked in the order they were read. A batch that cannot be appended is never acked, and the
   * source is closed (the checkpoint in the log is where it resumes), so what was read ahead is
   * read again. A source with `checkpointAfter` must not have it.
   */
  readonly readAhead?: boolean
  /**
   * Optional: the inputs (names of a record before the mapping) whose raw values the checkpoint
   * holds (a table's cursor column, a polled API's cursor field), each with the option that names
   * it. A checkpoint is not masked: one that maps to a personal field of the stream is a `config`
   * error at start.
   */
  readonly checkpointInputs?: readonly { input: string; option: string }[]
  connect(checkpoint: string | null): Promise<void>
  read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT>
  close(): Promise<void>
}
