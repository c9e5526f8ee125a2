import { windowStart, type EventTimeWatermarks } from '@twinflow/core'

export interface BatchCutoffInput {
  /** The run's start (the clock). */
  now: number
  windowMs: number
  allowedLatenessMs: number
  /** The stream's event-time watermarks when the run began (lower bounds are safe: see below). */
  watermarks: EventTimeWatermarks
  /** The served cutoff, if any: the boundary never moves back. */
  served: number | null
}

/**
 * The cutoff C of a batch run: the batch version covers event time < C, the speed layer the rest.
 * C is a window start, the lowest of
 * - the clock's bound, `now - allowedLateness`: events still arriving on time are the speed
 *   layer's (late ones are counted by the next run);
 * - the data's bound, the higher of
 *   - the log's watermark minus the lateness: events of the log at or after it still come, in
 *     event-time order give or take the lateness, so they are the speed layer's too, even months in
 *     the past (a replay): the split follows the data, not the wall clock;
 *   - the end of the window of the newest loaded event: history loaded straight into the master
 *     table never passes the speed layer, so the batch version must cover it whole;
 *   and 0 (the start of time) when the stream holds no event yet, so that whatever comes first is
 *   the speed layer's;
 * and never below the served cutoff. A lower C than this is always correct, only less efficient
 * (everything below it is in the master table once the archiver has caught up, which the run waits
 * for): so watermarks read early, and lagging, are safe.
 */
export function batchCutoff(input: BatchCutoffInput): number {
  const { now, windowMs, allowedLatenessMs, watermarks, served } = input
  const clockBound = now - allowedLatenessMs
  const logBound = watermarks.log === null ? 0 : watermarks.log - allowedLatenessMs
  const loadedBound = watermarks.loaded === null ? 0 : windowStart(watermarks.loaded, windowMs) + windowMs
  const cutoff = windowStart(Math.max(0, Math.min(clockBound, Math.max(logBound, loadedBound))), windowMs)
  return served !== null && served > cutoff ? served : cutoff
}
