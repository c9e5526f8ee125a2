import type { FieldNode } from 'graphql'
import type { FreshnessNeeds } from '../read/freshness.ts'

/** The reads a `Freshness` selection needs, from the names of its selected fields. */
export function freshnessNeeds(fields: ReadonlyMap<string, readonly FieldNode[]>): FreshnessNeeds {
  const lag = fields.has('realtimeLagMs')
  return { newest: lag || fields.has('newestEventTime'), frontier: lag || fields.has('streamEventTime'), pending: fields.has('pendingEvents') }
}
