import { describe, expect, it } from 'vitest'
import { defineStream, t } from '@twinflow/core'
import { masterTableSql } from './master-table-sql.ts'

const views = defineStream('pageViews', { shopId: t.string(), from: t.string(), durationMs: t.int64(), ratio: t.float64(), mobile: t.boolean(), ts: t.eventTime() })

describe('masterTableSql', () => {
  it('declares positions, the rejection reason and the typed fields, partitioned by UTC month and sorted by event time', () => {
    expect(masterTableSql.create(views)).toBe(
      'CREATE TABLE IF NOT EXISTS tf_master_pageViews (`_partition` UInt32, `_offset` UInt64, `_error` String, `shopId` String, `from` String, ' +
        "`durationMs` Int64, `ratio` Float64, `mobile` UInt8, `ts` Int64) ENGINE = MergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(`ts`, 1000), 'UTC')) ORDER BY `ts`",
    )
  })

  it('reads progress per partition, rejected records included', () => {
    expect(masterTableSql.archivedOffsets(views)).toBe('SELECT _partition AS p, max(_offset) AS o FROM tf_master_pageViews GROUP BY _partition')
    expect(masterTableSql.addColumn(views, { name: 'referrer', type: 'String' })).toBe('ALTER TABLE tf_master_pageViews ADD COLUMN `referrer` String')
  })
})
