import { retry, TwinflowError, type Channels, type Clock, type Logger, type Pipeline, type ReportDef, type ReportRunRecord } from '@twinflow/core'
import { renderNotification, reportRunId } from '../render/render-notification.ts'
import type { ResolvedReportLayerOptions } from '../report-layer-options.ts'
import type { ViewAnswers } from '../view-answers.ts'
import { readReport } from './read-report.ts'
import type { ReportRunLedger } from './report-run-ledger.ts'

export interface ReportRunnerDeps {
  pipeline: Pipeline
  answers: ViewAnswers
  channels: Channels
  ledger: ReportRunLedger
  clock: Clock
  logger: Logger
  options: ResolvedReportLayerOptions
  /** Told of every run this process made, for metrics. */
  onRun?: (record: ReportRunRecord) => void
  /** Told of every run skipped (sent already, or being sent by another process). */
  onSkip?: (report: string, trigger: ReportRunRecord['trigger']) => void
}

/** What `run` did: the run's record, or `skipped` when it was sent already or another process is sending it. */
export type RunResult = { status: 'ran'; record: ReportRunRecord } | { status: 'skipped'; runId: string }

/**
 * Runs reports: claims the run (one per report and scheduled time, across processes and
 * restarts), reads each section as the API answers it, renders the notification and sends it to
 * the report's channels through Channels (retries, backoff and the dead letter are theirs: a
 * channel that fails never fails the run), then records the run. A read that fails for a reason
 * that may pass (a runtime down) is retried `readAttempts` times, then recorded as `failed`: a
 * failed run may be run again (a catch-up at the next start, `twinflow report run --at`).
 */
export class ReportRunner {
  constructor(private readonly deps: ReportRunnerDeps) {}

  /** The channels a report is sent to: the config's `reports.channels.<name>`, else its declaration's. */
  channelsOf(report: ReportDef): readonly string[] {
    return this.deps.options.channels[report.name] ?? report.channels
  }

  /** Checks the channels of every report (names of configured channels that take reports), and that `reports.channels` names only declared reports. */
  check(): void {
    const known = new Set(this.deps.pipeline.reports.map((r) => r.name))
    for (const name of Object.keys(this.deps.options.channels)) {
      if (!known.has(name)) throw new TwinflowError('config', `reports.channels.${name}: no report is named "${name}"; reports: ${[...known].join(', ') || 'none'}`)
    }
    for (const report of this.deps.pipeline.reports) {
      const where = report.name in this.deps.options.channels ? `reports.channels.${report.name}` : `report "${report.name}" (its channels)`
      this.deps.channels.check(this.channelsOf(report), 'report', where)
    }
  }

  /**
   * Runs `report` for the time `scheduledAt` (`manual`: on demand, its period relative to that
   * time and never the same run as a scheduled one). Resolves with the record, or `skipped`.
   * Rejects only when the notification could be neither delivered nor dead-lettered (the claim
   * is released: the run may be sent again) or when aborted.
   */
  async run(report: ReportDef, scheduledAt: number, trigger: ReportRunRecord['trigger'], signal?: AbortSignal): Promise<RunResult> {
    const { clock, ledger, logger: parent } = this.deps
    const runId = reportRunId(report.name, scheduledAt, trigger)
    const logger = parent.child({ report: report.name, run: runId })
    const claim = await ledger.claim(report.name, runId)
    if (!claim) {
      logger.info('report run skipped: sent already, or being sent by another process')
      this.deps.onSkip?.(report.name, trigger)
      return { status: 'skipped', runId }
    }
    const late = trigger === 'catch-up'
    const startedAt = clock.now()
    const record = (fields: Partial<ReportRunRecord>): ReportRunRecord => ({
      runId,
      report: report.name,
      scheduledAt,
      status: 'sent',
      trigger,
      late,
      startedAt,
      finishedAt: clock.now(),
      period: null,
      deliveries: [],
      error: null,
      ...fields,
    })
    let doc: Awaited<ReturnType<typeof readReport>>
    try {
      doc = await retry(clock, () => readReport(report, scheduledAt, this.deps.answers, late), {
        retries: this.deps.options.readAttempts - 1,
        initialDelayMs: 1000,
        maxDelayMs: 10_000,
        operation: `report "${report.name}" read`,
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      const failed = record({ status: 'failed', error: error instanceof Error ? error.message : String(error) })
      logger.error('report run failed: its views could not be read; nothing was sent', { error })
      await claim.finish(failed).catch((e: unknown) => logger.error('could not record the failed report run', { error: e }))
      this.deps.onRun?.(failed)
      return { status: 'ran', record: failed }
    }
    const notification = renderNotification(doc, runId, clock.now())
    let outcomes: Awaited<ReturnType<Channels['send']>>
    try {
      outcomes = await this.deps.channels.send(notification, { to: this.channelsOf(report), ...(signal ? { signal } : {}) })
    } catch (error) {
      await claim.release().catch(() => {})
      throw error
    }
    const sent = record({
      period: doc.period,
      deliveries: outcomes.map((o) => ({ channel: o.channel, status: o.status, attempts: o.attempts })),
    })
    await claim.finish(sent)
    logger.info('report sent', { trigger, late, deliveries: sent.deliveries, ms: sent.finishedAt - startedAt })
    this.deps.onRun?.(sent)
    return { status: 'ran', record: sent }
  }
}
