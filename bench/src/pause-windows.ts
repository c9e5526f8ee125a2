/** A span of wall-clock time (epoch ms) during which the benchmark itself paused a process. */
export interface PauseWindow {
  from: number
  to: number
}

/**
 * Whether a request that was due at `due` and settled `ms` later was in flight during one of
 * `pauses` (its span [due, due + ms] overlaps a window): a failure then is the pause's, not the
 * server's.
 */
export function duringPause(sample: { due: number; ms: number }, pauses: readonly PauseWindow[]): boolean {
  const end = sample.due + sample.ms
  return pauses.some((p) => sample.due <= p.to && end >= p.from)
}
