import type { FieldNode } from 'graphql'
import type { FreshnessNeeds } from '../read/freshness.ts'

/** The reads a `Freshness` selection needs, from the names of its selected fields. */
export function freshnessNeeds(fields: ReadonlyMap<string, readonly FieldNode[]>): FreshnessNeeds {
  return { newest: fields.has('newestEventTime') || fields.has('realtimeLagMs'), pending: fields.has('pendingEvents') }
}
