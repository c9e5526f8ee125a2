import { createJsonLogger, systemClock, TwinflowError } from '@twinflow/core'
import { NodeCronScheduler } from '@twinflow/plugin-node-cron'
import { describe, expect, it } from 'vitest'
import { cronWait, intervalWait } from './poll-wait.ts'

describe('how a caught-up sql source waits', () => {
  const scheduler = new NodeCronScheduler(createJsonLogger({ level: 'error' }))

  it('on a cron schedule: until the next run of the process scheduler; a run while reading is not lost', async () => {
    const wait = cronWait(scheduler, 'orders-db', '* * * * * *')
    try {
      const started = Date.now()
      await wait.wait(new AbortController().signal)
      expect(Date.now() - started).toBeLessThan(2_500)
      // A run that comes while the source reads (not waiting) makes the next wait return at once.
      await new Promise((r) => setTimeout(r, 1_100))
      const again = Date.now()
      await wait.wait(new AbortController().signal)
      expect(Date.now() - again).toBeLessThan(100)
    } finally {
      await wait.stop()
    }
  })

  it('a wait ends when its signal aborts; a bad expression or no scheduler is a config error', async () => {
    const wait = cronWait(scheduler, 'orders-db', '0 0 1 1 *')
    const abort = new AbortController()
    const pending = wait.wait(abort.signal).then(
      () => 'resolved',
      (e: unknown) => e,
    )
    abort.abort(new Error('shutdown'))
    expect(String(await pending)).toContain('shutdown')
    await wait.stop()
    expect(() => cronWait(scheduler, 'orders-db', 'every minute')).toThrow(TwinflowError)
    expect(() => cronWait(undefined, 'orders-db', '* * * * *')).toThrow('poll.cron: this process has no scheduler')
    const interval = intervalWait(systemClock, 30)
    const t0 = Date.now()
    await interval.wait(new AbortController().signal)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25)
  })
})
