import type { EventLog, RealtimeStore } from '@twinflow/core'
import { FreshLookup } from './fresh-lookup.ts'

/**
 * The reads behind every answer's freshness, shared by all requests of a server: the newest event
 * time applied per view, the speed layer's progress and the log's end offsets per topic. Each
 * answer still comes from reads that started after its request did (FreshLookup), but concurrent
 * requests share them, so freshness costs a few round trips per server, not per request.
 */
export class FreshnessReads {
  readonly newest: FreshLookup<number | null>
  readonly progress: FreshLookup<ReadonlyMap<number, number>>
  readonly ends: FreshLookup<ReadonlyMap<number, number>>

  constructor(deps: { realtime: RealtimeStore; log: EventLog; speedGroupId: string }) {
    this.newest = new FreshLookup((view) => deps.realtime.newestEventTime(view))
    this.progress = new FreshLookup((topic) => deps.realtime.progress(deps.speedGroupId, topic))
    this.ends = new FreshLookup((topic) => deps.log.endOffsets(topic))
  }
}
