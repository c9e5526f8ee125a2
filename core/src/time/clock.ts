/** Wall-clock time and waiting, injected so that retries, cutoffs and schedules are testable. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Resolves after `ms` milliseconds (or earlier, rejecting, if `signal` aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}
