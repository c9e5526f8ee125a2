import type { RandomEvent } from './random-view-ast.ts'

/** A valid event and its log position. */
export interface PositionedEvent {
  event: RandomEvent
  partition: number
  offset: number
}

/**
 * The rule of docs/architecture.md ("Deduplication"), written plainly for the tests: among the
 * events with the same `field` value and the same horizon bucket floor(ts / horizonMs), the one at
 * the lowest (partition, offset) is kept. Returns the kept events in log order.
 */
export function referenceDedupe(events: readonly PositionedEvent[], field: 's' | 'n', horizonMs: number): RandomEvent[] {
  const inLogOrder = [...events].sort((a, b) => a.partition - b.partition || a.offset - b.offset)
  const seen = new Set<string>()
  const kept: RandomEvent[] = []
  for (const { event } of inLogOrder) {
    const key = JSON.stringify([event[field], Math.floor(event.ts / horizonMs)])
    if (seen.has(key)) continue
    seen.add(key)
    kept.push(event)
  }
  return kept
}
