import { Counter, Histogram, type Registry } from 'prom-client'
import type { ReportRunRecord } from '@twinflow/core'

/** The report role's metrics: runs by outcome, their durations, and deliveries per channel. */
export class ReportMetrics {
  readonly #runs: Counter<'report' | 'trigger' | 'outcome'>
  readonly #duration: Histogram<'report'>
  readonly #deliveries: Counter<'report' | 'channel' | 'outcome'>

  constructor(registry: Registry) {
    const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined
    this.#runs =
      existing('twinflow_report_runs_total') ??
      new Counter({
        name: 'twinflow_report_runs_total',
        help: 'Report runs this process made, by report, trigger (schedule, catch-up, manual) and outcome (sent, failed, skipped: sent already or by another process)',
        labelNames: ['report', 'trigger', 'outcome'],
        registers: [registry],
      })
    this.#duration =
      existing('twinflow_report_run_duration_seconds') ??
      new Histogram({
        name: 'twinflow_report_run_duration_seconds',
        help: 'Time from the claim of a report run to its record: reading the views, rendering, delivering to every channel',
        labelNames: ['report'],
        buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
        registers: [registry],
      })
    this.#deliveries =
      existing('twinflow_report_deliveries_total') ??
      new Counter({
        name: 'twinflow_report_deliveries_total',
        help: 'Report deliveries by report, channel and outcome (delivered, dead-lettered after the last attempt)',
        labelNames: ['report', 'channel', 'outcome'],
        registers: [registry],
      })
  }

  ran(record: ReportRunRecord): void {
    this.#runs.inc({ report: record.report, trigger: record.trigger, outcome: record.status })
    this.#duration.observe({ report: record.report }, (record.finishedAt - record.startedAt) / 1000)
    for (const d of record.deliveries) this.#deliveries.inc({ report: record.report, channel: d.channel, outcome: d.status })
  }

  skipped(report: string, trigger: ReportRunRecord['trigger']): void {
    this.#runs.inc({ report, trigger, outcome: 'skipped' })
  }
}
