/** A message to append to a topic. Messages with the same key go to the same partition. */
export interface LogMessage {
  key?: string
  value: Buffer
  headers?: Record<string, string>
  /** Producer timestamp, epoch ms. @default now */
  timestamp?: number
}

/**
 * A consumed message with its position. Read-only. Its fields may be getters computed on first read
 * (the Kafka log converts key, timestamp and headers only when asked): read them by name; an object
 * spread or structuredClone of a record may not carry them.
 */
export interface LogRecord {
  readonly offset: number
  readonly key: string | null
  readonly value: Buffer
  readonly timestamp: number
  readonly headers: Record<string, string>
}

/** A batch of consecutive records of one partition. */
export interface LogBatch {
  topic: string
  partition: number
  records: LogRecord[]
  /** Offset of the first and last record of the batch. */
  firstOffset: number
  lastOffset: number
  /** The partition's end offset (next offset to be written) when the batch was fetched. */
  highWatermark: number
  /**
   * Aborted when this member lost the partition (rebalance, crash) while the batch is being
   * handled: a handler checks it between its writes and stops, instead of finishing as a zombie
   * whose writes race the partition's new owner. A log may also abort it when the member stops
   * (the memory log does; Kafka lets the batch finish and commits it).
   */
  signal?: AbortSignal
}

export interface ConsumeOptions {
  groupId: string
  topics: string[]
  /**
   * Called when partitions are assigned to this member; returns the offset to resume from for each
   * partition (the sink's own record of progress, which wins over the group's committed offset).
   * Partitions missing from the answer resume from the committed offset, or the beginning. A sink
   * with no progress recorded for a partition answers 0 for it: the sink, not the group, is the truth.
   */
  resumeFrom?: (topic: string, partitions: number[]) => Promise<Map<number, number>>
  /**
   * Processes one batch. When it resolves, the batch's offsets are committed. When it rejects, the
   * consumer stops fetching that partition, and the error is reported through `onError`; the
   * batch will be redelivered (at-least-once), so handlers must be idempotent.
   * A partition's batches are handed over one at a time, in order; batches of different partitions
   * may be handled concurrently, and a log may fetch while batches are handled (Kafka does).
   */
  eachBatch: (batch: LogBatch) => Promise<void>
  /** A consumer crash: `retriable` errors are retried by the log with backoff, others stop it. */
  onError?: (error: unknown) => void
  /** Upper bound of records per batch. @default 1000 */
  maxBatchSize?: number
}

/** What `produce` does besides appending. */
export interface ProduceOptions {
  /**
   * A writer's checkpoint (e.g. a source's position after these messages), saved with them and read
   * back with `loadCheckpoint(key)`. Where the log can (`atomicCheckpoints`), messages and checkpoint
   * become durable together or not at all; elsewhere the checkpoint is saved once the messages are
   * durable, so a crash in between leaves the messages without it (they are produced again:
   * at-least-once).
   */
  checkpoint?: { key: string; value: string }
}

/** A running consumer-group member. */
export interface LogConsumer {
  /** Stops fetching, waits for the batch in flight, commits, leaves the group. Idempotent. */
  stop(): Promise<void>
}

/**
 * The event log (Kafka in production, in-process when embedded): partitioned, ordered per
 * partition, offsets dense and increasing from 0. A log may drop a partition's oldest records
 * (retention); a member resuming below the oldest record kept starts at that record.
 *
 * Lifecycle: `connect()` once, then any number of `createTopic` / `produce` / `consume` /
 * `endOffsets`, then `close()`, which stops every consumer it started.
 * Errors: `TwinflowError('unavailable')` when the log cannot be reached (retriable);
 * `TwinflowError('config')` for an unknown topic or bad options.
 */
export interface EventLog {
  connect(): Promise<void>
  close(): Promise<void>
  /** Creates the topic if missing (idempotent). */
  createTopic(topic: string, partitions: number): Promise<void>
  /** Appends messages; resolves when they are durable in the log (acks=all for Kafka). */
  produce(topic: string, messages: LogMessage[], options?: ProduceOptions): Promise<void>
  /** Whether a checkpoint given to `produce` is saved atomically with the messages. */
  readonly atomicCheckpoints: boolean
  /** The newest checkpoint saved under `key` (see ProduceOptions), or null when none was. */
  loadCheckpoint(key: string): Promise<string | null>
  /** Next offset to be written, per partition. */
  endOffsets(topic: string): Promise<Map<number, number>>
  /** Joins a consumer group; resolves once the member is running. */
  consume(options: ConsumeOptions): Promise<LogConsumer>
}
