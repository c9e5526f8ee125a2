import { describe, expect, it } from 'vitest'
import { batchRunsSql } from './batch-runs-sql.ts'

describe('batchRunsSql', () => {
  it('reads the latest record of each run with LIMIT BY (no argMax over tuples, no FINAL); a success without its publication is still running', () => {
    expect(batchRunsSql.latest('v', 20)).toBe(
      "SELECT run_id, `view`, attempt, if(unpublished, 'running', status) AS state, started_at, if(unpublished, NULL, finished_at) AS finished, cutoff, version, `rows`, error " +
        "FROM (SELECT *, status = 'succeeded' AND (`view`, version) NOT IN (SELECT `view`, version FROM tf_publications WHERE `view` = 'v') AS unpublished " +
        "FROM tf_batch_runs WHERE `view` = 'v' ORDER BY run_id, recorded_at DESC, seq DESC LIMIT 1 BY run_id) ORDER BY started_at DESC, run_id DESC LIMIT 20",
    )
    expect(batchRunsSql.latest(null, 5)).not.toContain('WHERE')
  })
})
