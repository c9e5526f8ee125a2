/**
 * How fresh an answer is. Windows before `cutoff` come from batch version `batchVersion`; the rest
 * from the speed layer, which has applied events up to `newestEventTime` and has `pendingEvents`
 * records of the view's stream still to apply.
 */
export interface Freshness {
  /** The batch cutoff the answer was merged at (null: no batch version is published yet). */
  cutoff: number | null
  batchVersion: number | null
  batchPublishedAt: number | null
  /** Newest event time the speed layer has applied to the view, as its realtime store reports it (undefined: not read). */
  newestEventTime?: number | null
  /**
   * How far the speed layer is behind the stream's event time: streamEventTime - newestEventTime,
   * at least 0 (null when the speed layer has applied nothing; undefined: not read). Event time, not
   * the wall clock: a replay of past events that the speed layer keeps up with lags by little, and
   * a quiet stream does not lag.
   */
  realtimeLagMs?: number | null
  /** Newest event time the archiver has stored for the view's stream: the stream's event-time frontier (null: none yet; undefined: not read). */
  streamEventTime?: number | null
  /** Records of the view's stream in the log that the speed layer has not applied yet, over all partitions (undefined: not read). */
  pendingEvents?: number
  answeredAt: number
}

/**
 * The reads a freshness needs: `newest`, the realtime store's newest event time of the view
 * (newestEventTime, realtimeLagMs); `frontier`, the batch engine's event-time watermark of the
 * view's stream (streamEventTime, realtimeLagMs); `pending`, the log's end offsets and the speed
 * layer's progress (pendingEvents). The cutoff and batch version come with the answer, for nothing.
 */
export interface FreshnessNeeds {
  newest: boolean
  frontier: boolean
  pending: boolean
}
