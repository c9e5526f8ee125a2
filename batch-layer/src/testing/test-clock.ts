import type { Clock } from '@twinflow/core'

/**
 * A virtual clock for tests: `now()` is set by the test and moved forward by `sleep(ms)`, which
 * records the delay and yields to the event loop for real (a few ms) so that background work —
 * a consumer, an archiver — progresses while the code under test waits.
 */
export function createTestClock(start: number): Clock & { sleeps: number[]; set(now: number): void } {
  let now = start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    set: (t) => {
      now = t
    },
    sleep: async (ms, signal) => {
      sleeps.push(ms)
      await new Promise((resolve) => setTimeout(resolve, 5))
      signal?.throwIfAborted()
      now += ms
    },
  }
}
