import type { FencedBatch } from './realtime-store.ts'

/**
 * A destination of realtime view changes: the deltas of every log batch the speed layer applied
 * to the realtime store, for dashboards, webhooks, other systems.
 * Delivery is at-least-once: every processed log batch is written, including batches the store
 * found to be duplicates, and after a crash a range of offsets may be written again, possibly with
 * other batch boundaries. A sink that needs exactly-once keeps, per (topic, partition), the last
 * offset it applied and drops batches at or below it (it cannot repair a partial overlap: use the
 * realtime store for exact state). Deltas carry cell states: merge them with the view's monoids.
 * Lifecycle: `connect()` → `write()` per applied log batch → `close()`.
 * Errors: a retriable rejection is retried with backoff before the log batch is committed; a
 * non-retriable one stops the speed layer (a configured sink is not optional).
 */
export interface Sink {
  readonly name: string
  connect(): Promise<void>
  write(batch: FencedBatch): Promise<void>
  close(): Promise<void>
}
