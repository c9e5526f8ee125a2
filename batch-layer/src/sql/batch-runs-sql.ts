import { formatLiteral } from './format-literal.ts'
import { PUBLICATIONS_TABLE } from './publications-sql.ts'
import { quoteIdentifier } from './quote-identifier.ts'

export const BATCH_RUNS_TABLE = 'tf_batch_runs'

const VIEW = quoteIdentifier('view')

/**
 * SQL of `tf_batch_runs`, the run history: records are appended, never updated; the record of a
 * run id with the highest (recorded_at, seq) is its latest state. A run has succeeded once its
 * publication landed: its 'succeeded' record may be written alongside the publication, so a
 * 'succeeded' record whose (view, version) has no publication reads as 'running' (finished_at
 * null), as does a run whose process stopped before it recorded an outcome.
 */
export const batchRunsSql = {
  create(): string {
    return (
      `CREATE TABLE IF NOT EXISTS ${BATCH_RUNS_TABLE} (run_id String, \`view\` String, attempt UInt32, status String, ` +
      'started_at Int64, finished_at Nullable(Int64), cutoff Int64, version UInt64, `rows` UInt64, error Nullable(String), ' +
      'recorded_at Int64, seq UInt64) ENGINE = MergeTree() ORDER BY (`view`, started_at, run_id)'
    )
  },

  /** Latest state of the newest runs, newest first; of one view or of all (`view` null). */
  latest(view: string | null, limit: number): string {
    const where = view === null ? '' : ` WHERE ${VIEW} = ${formatLiteral(view, 'string')}`
    const unpublished = `status = 'succeeded' AND (${VIEW}, version) NOT IN (SELECT ${VIEW}, version FROM ${PUBLICATIONS_TABLE}${where})`
    return (
      `SELECT run_id, ${VIEW}, attempt, if(unpublished, 'running', status) AS state, started_at, if(unpublished, NULL, finished_at) AS finished, cutoff, version, \`rows\`, error ` +
      `FROM (SELECT *, ${unpublished} AS unpublished FROM ${BATCH_RUNS_TABLE}${where} ORDER BY run_id, recorded_at DESC, seq DESC LIMIT 1 BY run_id) ` +
      `ORDER BY started_at DESC, run_id DESC LIMIT ${formatLiteral(limit, 'int')}`
    )
  },
}
