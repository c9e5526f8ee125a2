import { z } from 'zod'
import { parseOptions } from '@twinflow/core'

/** The config's `reports` section: where reports go, and how runs are claimed and caught up. */
export const reportLayerOptionsSchema = z.strictObject({
  /**
   * Per report, the channels (configured sinks' names) it is sent to, replacing the channels its
   * declaration names. A report with no channel is not scheduled (the start-up log says so).
   * @default {}
   */
  channels: z.record(z.string(), z.array(z.string().min(1))).default({}),
  /**
   * A scheduled run missed while no process ran the `report` role (downtime) is sent once, late,
   * when the role starts again, if it was due at most this long ago (ms); older ones are skipped
   * and logged. Only a report that has run before is caught up. 0: never. @default 86400000 (a day)
   */
  catchUpMs: z
    .int()
    .min(0)
    .max(31 * 86_400_000)
    .default(86_400_000),
  /** How long a claimed run is held before another process may take it over (a crash mid-run), in ms. @default 600000 */
  runLeaseMs: z.int().min(10_000).max(86_400_000).default(600_000),
  /** How long the record of a sent run is kept: a run is never sent twice within it, in ms. @default 3456000000 (40 days) */
  keepRunsMs: z
    .int()
    .min(86_400_000)
    .max(400 * 86_400_000)
    .default(40 * 86_400_000),
  /** Attempts to read a report's views when the runtimes do not answer, before the run is recorded as failed. @default 3 */
  readAttempts: z.int().min(1).max(20).default(3),
})

export type ReportLayerOptions = z.input<typeof reportLayerOptionsSchema>
export type ResolvedReportLayerOptions = z.output<typeof reportLayerOptionsSchema>

export function parseReportLayerOptions(raw: unknown): ResolvedReportLayerOptions {
  return parseOptions(reportLayerOptionsSchema, raw ?? {}, 'reports')
}
