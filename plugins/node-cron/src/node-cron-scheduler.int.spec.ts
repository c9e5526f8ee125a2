import { afterEach, describe, expect, it } from 'vitest'
import { createJsonLogger, TwinflowError, type ScheduledTask } from '@twinflow/core'
import { NodeCronScheduler } from './node-cron-scheduler.ts'
import { nodeCronSchedulerPlugin } from './node-cron-scheduler-plugin.ts'

const EVERY_SECOND = '* * * * * *'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function setup() {
  const records: Record<string, any>[] = []
  const logger = createJsonLogger({ level: 'debug', write: (line) => records.push(JSON.parse(line)) })
  return { records, scheduler: new NodeCronScheduler(logger) }
}

const tasks: ScheduledTask[] = []
afterEach(async () => {
  await Promise.all(tasks.splice(0).map((t) => t.stop()))
})

// The contract's behaviour is the conformance suite's (node-cron-scheduler.conformance.int.spec.ts);
// these are node-cron's own: what it logs, and UTC whatever the process time zone.
describe('NodeCronScheduler', () => {
  it('rejects an invalid cron expression at schedule time with a config error', () => {
    const { scheduler } = setup()
    const attempt = () => scheduler.schedule('bad', '61 * * * *', async () => {})
    expect(attempt).toThrow(TwinflowError)
    expect(attempt).toThrow(/schedule "bad": invalid cron expression "61 \* \* \* \*"/)
    expect(() => scheduler.schedule('bad', 'every minute', async () => {})).toThrow(/invalid cron expression/)
  })

  it("reads the expression in the task's time zone (Asia/Kolkata, UTC+05:30), and rejects an unknown zone", async () => {
    const { scheduler } = setup()
    while (new Date().getUTCSeconds() > 55) await sleep(200)
    const [hour, minute] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(Date.now())
      .split(':')
      .map(Number)
    // Every second of this minute in Kolkata, which is another minute of another hour in UTC.
    const expression = `* ${minute} ${hour} * * *`
    let kolkata = 0
    let utc = 0
    tasks.push(scheduler.schedule('kolkata', expression, async () => void kolkata++, { timeZone: 'Asia/Kolkata' }))
    tasks.push(scheduler.schedule('utc', expression, async () => void utc++))
    await sleep(2_500)
    expect(kolkata).toBeGreaterThanOrEqual(1)
    expect(utc).toBe(0)
    expect(() => scheduler.validate('report', '0 7 * * *', { timeZone: 'Mars/Olympus' })).toThrow(/schedule "report": time zone "Mars\/Olympus" is not an IANA time zone name/)
  })

  it('skips a run that would overlap the previous one, logs the skip, and stop() waits for the run in flight', async () => {
    const { scheduler, records } = setup()
    let running = 0
    let maxRunning = 0
    let started = 0
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const task = scheduler.schedule('slow', EVERY_SECOND, async () => {
      started++
      running++
      maxRunning = Math.max(maxRunning, running)
      await gate
      running--
    })
    tasks.push(task)
    while (started === 0) await sleep(50)
    await sleep(2_200) // two more ticks are due while the first run holds the gate
    expect(started).toBe(1)
    expect(maxRunning).toBe(1)
    expect(records.filter((r) => r.level === 'warn' && /skipped a scheduled run/.test(r.msg) && r.task === 'slow').length).toBeGreaterThanOrEqual(2)
    let stopped = false
    const stopping = task.stop().then(() => (stopped = true))
    await sleep(100)
    expect(stopped).toBe(false)
    release()
    await stopping
    expect(running).toBe(0)
    expect(started).toBe(1)
  })

  it('logs a failed run with its error, and keeps the schedule going', async () => {
    const { scheduler, records } = setup()
    let runs = 0
    const task = scheduler.schedule('failing', EVERY_SECOND, async () => {
      runs++
      throw new TwinflowError('unavailable', `batch engine down (run ${runs})`)
    })
    tasks.push(task)
    await sleep(2_300)
    await task.stop()
    const failures = records.filter((r) => r.level === 'error' && r.msg === 'scheduled run failed' && r.task === 'failing')
    expect(failures.length).toBe(runs)
    expect(runs).toBeGreaterThanOrEqual(2)
    expect(failures[0]!.error).toMatchObject({ name: 'TwinflowError', kind: 'unavailable', message: 'batch engine down (run 1)' })
  })

  it('reads cron fields in UTC whatever the process time zone', async () => {
    const previous = process.env.TZ
    process.env.TZ = 'Asia/Kolkata' // UTC+05:30: the local hour is never the UTC hour
    try {
      const now = new Date()
      if (now.getUTCMinutes() === 59 && now.getUTCSeconds() >= 57) await sleep(4_000)
      const { scheduler } = setup()
      let runs = 0
      const task = scheduler.schedule('utc', `* * ${new Date().getUTCHours()} * * *`, async () => {
        runs++
      })
      tasks.push(task)
      await sleep(1_300)
      await task.stop()
      expect(runs).toBeGreaterThanOrEqual(1)
    } finally {
      if (previous === undefined) delete process.env.TZ
      else process.env.TZ = previous
    }
  })

  it('is a scheduler plugin that takes no options', () => {
    expect(nodeCronSchedulerPlugin.kind).toBe('scheduler')
    expect(nodeCronSchedulerPlugin.parseOptions(undefined)).toEqual({})
    expect(() => nodeCronSchedulerPlugin.parseOptions({ timezone: 'Europe/Paris' })).toThrow(
      /unknown option "timezone": the node-cron scheduler takes no options \(it always runs in UTC\)/,
    )
    expect(() => nodeCronSchedulerPlugin.parseOptions('UTC')).toThrow(/must be an object, got "UTC"/)
  })
})
