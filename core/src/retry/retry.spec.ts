import { describe, expect, it } from 'vitest'
import { retry, TwinflowError, type Clock } from '../index.ts'

function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = []
  return { waits, now: () => 0, sleep: async (ms) => void waits.push(ms) }
}

describe('retry', () => {
  it('retries retriable failures with growing delays, then succeeds', async () => {
    const clock = recordingClock()
    let calls = 0
    const result = await retry(
      clock,
      async () => {
        if (++calls < 3) throw new TwinflowError('unavailable', 'down')
        return 'ok'
      },
      { initialDelayMs: 100, multiplier: 2, jitter: 0 },
    )
    expect(result).toBe('ok')
    expect(clock.waits).toEqual([100, 200])
  })
  it('rethrows a non-retriable error at once', async () => {
    const clock = recordingClock()
    const bad = new TwinflowError('config', 'fix me')
    await expect(
      retry(clock, async () => {
        throw bad
      }),
    ).rejects.toBe(bad)
    expect(clock.waits).toEqual([])
  })
  it('wraps the last cause when attempts run out', async () => {
    const clock = recordingClock()
    const error = await retry(
      clock,
      async () => {
        throw new TwinflowError('unavailable', 'still down')
      },
      { retries: 2, jitter: 0, operation: 'ping' },
    ).catch((e) => e)
    expect(TwinflowError.is(error, 'unavailable')).toBe(true)
    expect(error.message).toBe('ping failed after 3 attempts: still down')
    expect(error.cause.message).toBe('still down')
    expect(error.retriable).toBe(false)
  })
  it("ends with the signal's reason when a failure comes once the signal aborted: no retry, no onRetry", async () => {
    const clock = recordingClock()
    const controller = new AbortController()
    const reason = new Error('stopping')
    const retried: unknown[] = []
    const run = retry(
      clock,
      async () => {
        controller.abort(reason)
        throw new TwinflowError('unavailable', 'read cut short')
      },
      { signal: controller.signal, onRetry: (info) => retried.push(info) },
    )
    await expect(run).rejects.toBe(reason)
    expect(retried).toEqual([])
    expect(clock.waits).toEqual([])
  })
})
