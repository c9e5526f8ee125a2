import { TwinflowError, type Clock, type ScheduledTask, type Scheduler } from '@twinflow/core'

/** How a caught-up source waits before it looks at the table again. */
export interface PollWait {
  /** Resolves when it is time to look again; rejects with the signal's reason when it aborts. */
  wait(signal: AbortSignal): Promise<void>
  stop(): Promise<void>
}

/** Waits `intervalMs` (continuous reading). */
export function intervalWait(clock: Clock, intervalMs: number): PollWait {
  return { wait: (signal) => clock.sleep(intervalMs, signal), stop: async () => {} }
}

/**
 * Waits for the next run of a cron schedule on the process's scheduler: each run marks the source
 * due, and a wait resolves at once when a run came since the last one (runs while the source reads
 * are not lost, and do not pile up).
 */
export function cronWait(scheduler: Scheduler | undefined, name: string, cron: string): PollWait {
  if (scheduler === undefined) throw new TwinflowError('config', `poll.cron: this process has no scheduler (runtimes.scheduler) to run "${cron}"; use poll.intervalMs`)
  scheduler.validate(`source ${name}`, cron)
  let due = false
  let wake: (() => void) | null = null
  const task: ScheduledTask = scheduler.schedule(`source ${name}`, cron, async () => {
    due = true
    wake?.()
  })
  return {
    wait: (signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason)
        const done = () => {
          signal.removeEventListener('abort', onAbort)
          wake = null
          due = false
          resolve()
        }
        const onAbort = () => {
          wake = null
          reject(signal.reason)
        }
        if (due) return done()
        wake = done
        signal.addEventListener('abort', onAbort, { once: true })
      }),
    stop: () => task.stop(),
  }
}
