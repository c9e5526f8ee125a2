import { CronExpressionParser } from 'cron-parser'
import { TwinflowError } from '@twinflow/core'

/**
 * The latest time at or before `time` that `cron` names in `timeZone` (epoch ms): the scheduled
 * time of the run a tick belongs to (a tick may come a little after its time, never before), and
 * of the run a downtime missed. Throws a `config` error for an expression it cannot read.
 */
export function occurrenceAtOrBefore(cron: string, timeZone: string, time: number): number {
  try {
    // prev() is strictly before its start: start a millisecond later, so that `time` itself counts.
    return CronExpressionParser.parse(cron, { currentDate: new Date(time + 1), tz: timeZone })
      .prev()
      .getTime()
  } catch (error) {
    throw new TwinflowError('config', `cron expression "${cron}": ${(error as Error).message}`, { cause: error })
  }
}

/** The next time after `time` that `cron` names in `timeZone` (epoch ms). */
export function occurrenceAfter(cron: string, timeZone: string, time: number): number {
  return CronExpressionParser.parse(cron, { currentDate: new Date(time), tz: timeZone })
    .next()
    .getTime()
}
