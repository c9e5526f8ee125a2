import cron from 'node-cron'
import { checkTimeZone, TwinflowError, type Logger, type ScheduledTask, type ScheduleOptions, type Scheduler } from '@twinflow/core'

/**
 * A Scheduler over node-cron, in UTC (the zone of view windows) unless a task names its time zone
 * (`options.timeZone`: node-cron reads the expression in that zone, DST included). Cron expressions have 5 fields,
 * or 6 with seconds first. A run that is still going when the next one is due is skipped and
 * logged; a run that fails is logged with its error; `stop()` waits for the run in flight.
 */
export class NodeCronScheduler implements Scheduler {
  constructor(private readonly logger: Logger) {}

  validate(name: string, expression: string, options: ScheduleOptions = {}): void {
    if (options.timeZone !== undefined) {
      try {
        checkTimeZone(options.timeZone)
      } catch (error) {
        throw new TwinflowError('config', `schedule "${name}": ${(error as Error).message}`, { context: { task: name, timeZone: options.timeZone } })
      }
    }
    const validation = cron.validateDetailed(expression)
    if (!validation.valid) {
      const reasons = validation.errors.map((e) => `${e.field}${e.value === undefined ? '' : ` "${e.value}"`}: ${e.message}`).join('; ')
      throw new TwinflowError('config', `schedule "${name}": invalid cron expression "${expression}" (${reasons || 'unparsable'})`, {
        context: { task: name, cron: expression },
      })
    }
  }

  schedule(name: string, expression: string, task: () => Promise<void>, options: ScheduleOptions = {}): ScheduledTask {
    this.validate(name, expression, options)
    const timezone = options.timeZone ?? 'UTC'
    const logger = this.logger.child({ task: name, cron: expression, timeZone: timezone })
    let inFlight: Promise<void> | null = null
    let stopped = false

    const tick = (): void => {
      if (stopped) return
      if (inFlight) {
        logger.warn('skipped a scheduled run: the previous run is still going')
        return
      }
      const run = (async () => {
        const started = Date.now()
        try {
          await task()
          logger.debug('scheduled run finished', { ms: Date.now() - started })
        } catch (error) {
          logger.error('scheduled run failed', { error, ms: Date.now() - started })
        }
      })()
      inFlight = run.finally(() => {
        inFlight = null
      })
    }

    const job = cron.schedule(expression, tick, {
      name,
      timezone,
      logger: {
        info: (message) => logger.info(message),
        warn: (message) => logger.warn(message),
        error: (message, error) => logger.error(String(message instanceof Error ? message.message : message), { error: error ?? message }),
        debug: (message, error) => logger.debug(String(message instanceof Error ? message.message : message), error ? { error } : undefined),
      },
    })
    return {
      stop: async () => {
        if (!stopped) {
          stopped = true
          await job.destroy()
        }
        await inFlight
      },
    }
  }
}
