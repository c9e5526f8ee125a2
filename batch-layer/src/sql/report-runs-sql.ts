import { formatLiteral } from './format-literal.ts'

export const REPORT_RUNS_TABLE = 'tf_report_runs'

/**
 * SQL of `tf_report_runs`, the report role's run history: records are appended, never updated;
 * the record of a run id with the highest (recorded_at, seq) is its latest state. Deliveries are
 * kept as JSON (one object per channel). Written for ClickHouse 18.16 and later.
 */
export const reportRunsSql = {
  create(): string {
    return (
      `CREATE TABLE IF NOT EXISTS ${REPORT_RUNS_TABLE} (run_id String, report String, scheduled_at Int64, status String, trigger String, late UInt8, ` +
      'started_at Int64, finished_at Int64, period_from Nullable(Int64), period_to Nullable(Int64), deliveries String, error Nullable(String), ' +
      'recorded_at Int64, seq UInt64) ENGINE = MergeTree() ORDER BY (report, scheduled_at, run_id)'
    )
  },

  /** Latest state of one run. */
  one(runId: string): string {
    return `SELECT * FROM ${REPORT_RUNS_TABLE} WHERE run_id = ${formatLiteral(runId, 'string')} ORDER BY recorded_at DESC, seq DESC LIMIT 1`
  },

  /** Latest state of the newest runs, newest scheduled first; of one report or of all (`report` null). */
  latest(report: string | null, limit: number): string {
    const where = report === null ? '' : ` WHERE report = ${formatLiteral(report, 'string')}`
    return (
      `SELECT * FROM (SELECT * FROM ${REPORT_RUNS_TABLE}${where} ORDER BY run_id, recorded_at DESC, seq DESC LIMIT 1 BY run_id) ` +
      `ORDER BY scheduled_at DESC, started_at DESC, run_id DESC LIMIT ${formatLiteral(limit, 'int')}`
    )
  },
}
