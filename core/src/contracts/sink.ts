import type { FencedBatch } from './realtime-store'

/**
 * A destination of realtime view changes: the deltas of every log batch the speed layer applied
 * to the realtime store, for dashboards, webhooks, other systems.
 * Delivery is at-least-once: after a crash a batch may be written again, with the same
 * (topic, partition, firstOffset, lastOffset); a sink that needs exactly-once fences on them, as
 * the realtime store does. Deltas carry cell states: merge them with the view's monoids.
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
