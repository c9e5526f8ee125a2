import { TwinflowError, type ScheduledTask, type Scheduler } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The behaviour every Scheduler must have, as a vitest suite (call it at the top level of a spec
 * file): cron expressions of 5 fields, or 6 with seconds first, in UTC; invalid ones are `config`
 * errors from `validate` and `schedule`; no overlapping runs; a failed run does not end the
 * schedule; `stop()` waits for the run in flight and no run starts after it. The suite runs tasks
 * every second, so it takes about 15 seconds.
 */
export function schedulerConformance(name: string, makeScheduler: () => Scheduler | Promise<Scheduler>): void {
  describe(`Scheduler conformance: ${name}`, { timeout: 20_000 }, () => {
    let scheduler: Scheduler
    const tasks: ScheduledTask[] = []
    beforeEach(async () => {
      scheduler = await makeScheduler()
    })
    afterEach(async () => {
      await Promise.all(tasks.splice(0).map((t) => t.stop()))
    })
    const schedule = (cron: string, task: () => Promise<void>) => {
      const scheduled = scheduler.schedule('conformance', cron, task)
      tasks.push(scheduled)
      return scheduled
    }

    it('accepts 5- and 6-field expressions and rejects others with a config error that names the task', () => {
      for (const cron of ['*/5 * * * *', '0 7 * * 1-5', '*/2 * * * * *']) expect(() => scheduler.validate('nightly', cron), cron).not.toThrow()
      for (const cron of ['', 'every minute', '61 * * * *', '* * * *']) {
        let error: unknown = null
        try {
          scheduler.validate('nightly', cron)
        } catch (e) {
          error = e
        }
        expect(TwinflowError.is(error, 'config'), `validate(${JSON.stringify(cron)})`).toBe(true)
        expect((error as Error).message).toContain('nightly')
        expect(() => scheduler.schedule('nightly', cron, async () => {})).toThrow()
      }
    })

    it('runs a task on its schedule, and goes on after a run that failed', async () => {
      let runs = 0
      schedule('* * * * * *', async () => {
        runs++
        if (runs === 1) throw new Error('the first run fails')
      })
      await sleep(3_500)
      expect(runs).toBeGreaterThanOrEqual(2)
    })

    it('never starts a run while the previous one is going', async () => {
      let running = 0
      let most = 0
      let runs = 0
      schedule('* * * * * *', async () => {
        runs++
        most = Math.max(most, ++running)
        await sleep(2_200)
        running--
      })
      await sleep(5_500)
      expect(runs).toBeGreaterThanOrEqual(1)
      expect(most).toBe(1)
    })

    it('stop() waits for the run in flight, and nothing runs after it', async () => {
      let finished = 0
      let started = 0
      const task = schedule('* * * * * *', async () => {
        started++
        await sleep(600)
        finished++
      })
      while (started === 0) await sleep(20)
      await task.stop()
      expect(finished).toBe(started)
      const after = started
      await sleep(2_200)
      expect(started).toBe(after)
    })
  })
}
