import { TwinflowError, type Clock, type Logger, type Pipeline, type ReportDef, type ScheduledTask, type Scheduler } from '@twinflow/core'
import type { ResolvedReportLayerOptions } from '../report-layer-options.ts'
import { occurrenceAtOrBefore } from './cron-occurrence.ts'
import type { ReportRunLedger } from './report-run-ledger.ts'
import type { ReportRunner } from './report-runner.ts'

export interface ReportScheduleDeps {
  pipeline: Pipeline
  runner: ReportRunner
  scheduler: Scheduler
  ledger: ReportRunLedger
  clock: Clock
  logger: Logger
  options: ResolvedReportLayerOptions
}

/**
 * The `report` role: schedules each report that has channels on its cron in its time zone
 * (through the configured Scheduler), and, at start, sends once, late, the last run a downtime
 * missed (a report that ran before, due at most `catchUpMs` ago, whose run is not recorded as
 * sent). Each tick runs the occurrence it belongs to, so that every process running the role
 * ticks and one sends (ReportRunner's claim).
 */
export class ReportSchedule {
  readonly #tasks: ScheduledTask[] = []
  readonly #inFlight = new Set<Promise<unknown>>()
  readonly #stopping = new AbortController()

  constructor(private readonly deps: ReportScheduleDeps) {}

  /** The reports that will be scheduled: those with channels. */
  scheduled(): ReportDef[] {
    return this.deps.pipeline.reports.filter((r) => this.deps.runner.channelsOf(r).length > 0)
  }

  /** Checks every report's schedule (cron and zone) and channels; connects to nothing. */
  validate(): void {
    for (const report of this.deps.pipeline.reports) {
      this.deps.scheduler.validate(`report ${report.name}`, report.cron, { timeZone: report.timeZone })
      occurrenceAtOrBefore(report.cron, report.timeZone, this.deps.clock.now())
    }
    this.deps.runner.check()
  }

  async start(): Promise<void> {
    this.validate()
    const { logger, scheduler, clock } = this.deps
    for (const report of this.deps.pipeline.reports) {
      if (this.deps.runner.channelsOf(report).length === 0) {
        logger.info('report not scheduled: it has no channel', { report: report.name, fix: `name its channels in its declaration or in reports.channels.${report.name}` })
        continue
      }
      const tick = () => this.#track(this.#run(report, occurrenceAtOrBefore(report.cron, report.timeZone, clock.now()), 'schedule'))
      this.#tasks.push(scheduler.schedule(`report ${report.name}`, report.cron, tick, { timeZone: report.timeZone }))
      logger.info('report scheduled', { report: report.name, cron: report.cron, timeZone: report.timeZone, range: report.range, channels: this.deps.runner.channelsOf(report) })
      void this.#track(this.#catchUp(report))
    }
  }

  async stop(): Promise<void> {
    this.#stopping.abort(new TwinflowError('unavailable', 'the report role is stopping'))
    await Promise.all(this.#tasks.splice(0).map((t) => t.stop()))
    await Promise.allSettled([...this.#inFlight])
  }

  async #catchUp(report: ReportDef): Promise<void> {
    const { clock, ledger, options, logger } = this.deps
    if (options.catchUpMs === 0) return
    const now = clock.now()
    const due = occurrenceAtOrBefore(report.cron, report.timeZone, now)
    const [last] = await ledger.runs(report.name, 1)
    // Only what a downtime missed: a report that never ran has nothing to catch up.
    if (!last || last.trigger === 'manual' || last.scheduledAt >= due) return
    if (now - due > options.catchUpMs) {
      logger.warn('missed report run not sent: it was due longer ago than reports.catchUpMs', { report: report.name, due: new Date(due).toISOString() })
      return
    }
    await this.#run(report, due, 'catch-up')
  }

  async #run(report: ReportDef, scheduledAt: number, trigger: 'schedule' | 'catch-up'): Promise<void> {
    try {
      await this.deps.runner.run(report, scheduledAt, trigger, this.#stopping.signal)
    } catch (error) {
      if (this.#stopping.signal.aborted) return
      this.deps.logger.error('report run failed; it will be sent by a later catch-up', { report: report.name, error })
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise)
    const done = () => this.#inFlight.delete(promise)
    promise.then(done, done)
    return promise
  }
}
