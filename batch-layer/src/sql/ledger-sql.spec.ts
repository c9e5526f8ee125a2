import { describe, expect, it } from 'vitest'
import { defineStream, t } from '@twinflow/core'
import { ledgerSql } from './ledger-sql.ts'

const views = defineStream('pageViews', { shopId: t.string(), durationMs: t.int64(), ts: t.eventTime() })

describe('ledgerSql', () => {
  it('keeps per partition and block of 2^20 offsets the count, lowest, highest and summed offset, and the watermark of accepted rows', () => {
    expect(ledgerSql.create(views)).toBe(
      'CREATE MATERIALIZED VIEW tf_ledger_pageViews ENGINE = AggregatingMergeTree() ORDER BY (_partition, _block) AS SELECT _partition, ' +
        'intDiv(_offset, 1048576) AS _block, countState() AS rows_state, minState(_offset) AS min_state, maxState(_offset) AS max_state, ' +
        "sumState(_offset) AS sum_state, countIfState(_error = '') AS accepted_state, maxIfState(`ts`, _error = '') AS watermark_state " +
        'FROM tf_master_pageViews GROUP BY _partition, _block',
    )
  })

  it('seeds the rows below a bound per partition, and nothing without bounds', () => {
    expect(
      ledgerSql.seed(
        views,
        new Map([
          [0, 120],
          [2, 0],
          [3, 7],
        ]),
      ),
    ).toContain('FROM tf_master_pageViews WHERE multiIf(_partition = 0, _offset < 120, _partition = 3, _offset < 7, 0) GROUP BY _partition, _block')
    expect(ledgerSql.seed(views, new Map([[1, 0]]))).toBeNull()
    expect(ledgerSql.seed(views, new Map())).toBeNull()
  })

  it('reads the ledger before the table’s row count from its parts (the scalar subquery runs first)', () => {
    const sql = ledgerSql.check(views)
    expect(sql).toMatch(/^SELECT \(SELECT tuple\(sum\(n\), groupArrayIf\(p, NOT \(n = hi - lo \+ 1 AND s = /)
    expect(sql).toContain(
      "FROM tf_ledger_pageViews GROUP BY p, b)) AS ledger, sum(rows) AS total FROM system.parts WHERE database = currentDatabase() AND table = 'tf_master_pageViews' AND active",
    )
  })

  it('selects the rows of blocks', () => {
    expect(ledgerSql.inBlocks([{ partition: 2147483648, block: 3 }])).toBe('(_partition = 2147483648 AND intDiv(_offset, 1048576) = 3)')
  })
})
