import type { BatchEngine, EventLog, RealtimeStore } from '@twinflow/core'
import { FreshLookup } from './fresh-lookup.ts'

/**
 * The reads behind every answer's freshness, shared by all requests of a server: the newest event
 * time applied per view, the stream's event-time frontier, the speed layer's progress and the log's
 * end offsets per topic. Each
 * answer still comes from reads that started after its request did (FreshLookup), but concurrent
 * requests share them, so freshness costs a few round trips per server, not per request.
 */
export class FreshnessReads {
  readonly newest: FreshLookup<number | null>
  readonly progress: FreshLookup<ReadonlyMap<number, number>>
  readonly ends: FreshLookup<ReadonlyMap<number, number>>
  /** The event-time watermark of the log's events per stream (the stream's frontier). */
  readonly frontier: FreshLookup<number | null>

  constructor(deps: { realtime: RealtimeStore; log: EventLog; batch: BatchEngine; speedGroupId: string }) {
    this.newest = new FreshLookup((view) => deps.realtime.newestEventTime(view))
    this.frontier = new FreshLookup(async (stream) => (await deps.batch.eventTimeWatermarks(stream)).log)
    this.progress = new FreshLookup((topic) => deps.realtime.progress(deps.speedGroupId, topic))
    this.ends = new FreshLookup((topic) => deps.log.endOffsets(topic))
  }
}
