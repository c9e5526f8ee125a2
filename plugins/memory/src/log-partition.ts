import type { LogRecord } from '@twinflow/core'

/**
 * What a consumer-group member reads from one partition, whatever keeps its records (memory, disk).
 * Offsets are dense: the records kept are `startOffset` .. `endOffset - 1`.
 */
export interface LogPartition {
  /** The oldest offset kept (records below it were dropped by retention). */
  readonly startOffset: number
  /** The next offset to be written; records below it are readable. */
  readonly endOffset: number
  /**
   * Up to `max` consecutive records from `from`, each with bytes of its own (a reader cannot change
   * the log). From `startOffset` instead when `from` is below it; empty when nothing is at or after it.
   */
  read(from: number, max: number): Promise<LogRecord[]>
  /** Resolves once a record at `offset` exists, or when `signal` aborts (the caller checks which). */
  waitFor(offset: number, signal: AbortSignal): Promise<void>
}
