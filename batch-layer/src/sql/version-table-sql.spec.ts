import { describe, expect, it } from 'vitest'
import { avg, count, defineStream, defineView, max, min, sum, t } from '@twinflow/core'
import { versionTableSql } from './version-table-sql.ts'

// The online-store example's order stream and two of its views, restated here.
const orders = defineStream('orders', {
  orderId: t.string(),
  shopId: t.string(),
  amountCents: t.int64(),
  items: t.int64(),
  status: t.enum(['created', 'paid', 'refunded']),
  ts: t.eventTime(),
})
const shopRevenue = defineView('shopRevenue', orders, {
  where: (o) => o.status.eq('paid'),
  groupBy: (o) => ({ shop: o.shopId }),
  window: '1h',
  measures: (o) => ({ orders: count(), revenueCents: sum(o.amountCents), biggest: max(o.amountCents), smallest: min(o.amountCents), avgCents: avg(o.amountCents) }),
})
const orderMix = defineView('orderMix', orders, {
  derive: (o) => ({ large: o.amountCents.ge(10_000), unitPrice: o.amountCents.div(o.items) }),
  groupBy: (o) => ({ shop: o.shopId, status: o.status, large: o.large }),
  window: '15m',
  measures: (o) => ({ orders: count(), items: sum(o.items), maxUnitPrice: max(o.unitPrice) }),
})
const CUTOFF = Date.UTC(2026, 0, 1, 12)

describe('versionTableSql', () => {
  it('names version tables and recognizes exactly those of the view', () => {
    expect(versionTableSql.table(shopRevenue, 12)).toBe('tf_view_shopRevenue_v12')
    expect(versionTableSql.versionOf(shopRevenue, 'tf_view_shopRevenue_v12')).toBe(12)
    expect(versionTableSql.versionOf(shopRevenue, 'tf_view_shopRevenue_v12_v3')).toBeNull() // view "shopRevenue_v12"
    expect(versionTableSql.versionOf(shopRevenue, 'tf_view_shopRevenue_v')).toBeNull()
    expect(versionTableSql.versionOf(shopRevenue, 'tf_view_shopRevenue_v01')).toBeNull()
    expect(versionTableSql.versionOf(shopRevenue, 'tf_view_orderMix_v1')).toBeNull()
  })

  it('creates a typed table: Int64 window start, keys by kind (bool as UInt8), int and float cells', () => {
    expect(versionTableSql.create(orderMix, 3)).toBe(
      'CREATE TABLE tf_view_orderMix_v3 (_window_start Int64, _k_shop String, _k_status String, _k_large UInt8, ' +
        '_m_orders_count Int64, _m_items_sum Int64, _m_maxUnitPrice_max Nullable(Float64), _m_maxUnitPrice_count Int64) ENGINE = MergeTree() ORDER BY (_window_start, _k_shop, _k_status, _k_large)',
    )
  })

  it('recomputes with one INSERT ... SELECT: accepted events before the cutoff, filter, group by window and keys', () => {
    expect(versionTableSql.build(shopRevenue, 1, CUTOFF)).toBe(
      'INSERT INTO tf_view_shopRevenue_v1 (_window_start, _k_shop, _m_orders_count, _m_revenueCents_sum, _m_biggest_max, _m_smallest_min, _m_avgCents_sum, _m_avgCents_count) ' +
        'SELECT intDiv(`ts`, 3600000) * 3600000 AS _window_start, `shopId` AS _k_shop, count() AS _m_orders_count, sum(`amountCents`) AS _m_revenueCents_sum, ' +
        'max(`amountCents`) AS _m_biggest_max, min(`amountCents`) AS _m_smallest_min, sum(`amountCents`) AS _m_avgCents_sum, count() AS _m_avgCents_count ' +
        "FROM tf_master_orders WHERE _error = '' AND `ts` < 1767268800000 AND (`status` = 'paid') GROUP BY _window_start, _k_shop",
    )
  })

  it('writes derived fields out where they are used (one query level), never clashing with the `_` aliases', () => {
    const sql = versionTableSql.build(orderMix, 2, CUTOFF)
    expect(sql).toContain('(`amountCents` >= toInt64(10000)) AS _k_large')
    // The measure's argument (null where items is 0) is written once; its count and NaN guard refer to it by its alias.
    const alias = /max\(\(if\(`items` = 0, NULL, \(`amountCents` \/ `items`\)\) AS (_s\w+)\)\) AS _m_maxUnitPrice_max/.exec(sql)?.[1]
    expect(alias).toBeDefined()
    expect(sql).toContain(`count(${alias}) AS _m_maxUnitPrice_count`)
    expect(sql).toContain(
      `FROM tf_master_orders WHERE _error = '' AND \`ts\` < 1767268800000 AND ifNull(isNaN(${alias}), 0) = 0 GROUP BY _window_start, _k_shop, _k_status, _k_large`,
    )
    expect(sql).not.toContain('`large`')
    expect(sql).not.toContain('`unitPrice`')
    for (const banned of ['toStartOfInterval', 'DateTime64', 'JSONExtract', '{', 'FROM (']) expect(sql).not.toContain(banned)
  })

  it('reads, for a stream with dedupeBy, the row at the lowest log position per id and horizon bucket, up to the end of the cutoff bucket', () => {
    const deduped = defineStream('orders', { orderId: t.string(), shopId: t.string(), ts: t.eventTime() }, { dedupeBy: { field: 'orderId', horizon: '1d' } })
    const view = defineView('byShop', deduped, { groupBy: (o) => ({ shop: o.shopId }), window: '1h', measures: () => ({ orders: count() }) })
    const DAY = 86_400_000
    const sql = versionTableSql.build(view, 4, CUTOFF, [{ partition: 0, block: 0 }]) // suspect blocks: the LIMIT BY covers them
    expect(sql).toBe(
      'INSERT INTO tf_view_byShop_v4 (_window_start, _k_shop, _m_orders_count) SELECT intDiv(`ts`, 3600000) * 3600000 AS _window_start, `shopId` AS _k_shop, count() AS _m_orders_count ' +
        `FROM (SELECT \`ts\`, \`shopId\`, \`orderId\`, _error, intDiv(\`ts\`, ${DAY}) AS _dedupe_bucket FROM tf_master_orders WHERE _error = '' AND \`ts\` < ${Date.UTC(2026, 0, 2)} ` +
        `ORDER BY _partition, _offset LIMIT 1 BY \`orderId\`, _dedupe_bucket) WHERE _error = '' AND \`ts\` < ${CUTOFF} GROUP BY _window_start, _k_shop`,
    )
    // a cutoff at a bucket's start reads up to it
    expect(versionTableSql.build(view, 4, Date.UTC(2026, 0, 1))).toContain(`AND \`ts\` < ${Date.UTC(2026, 0, 1)} ORDER BY`)
  })

  it('deduplicates the suspect blocks only: the one-level query over the other rows, the same over those blocks once per (partition, offset), merged per group', () => {
    const sql = versionTableSql.build(orderMix, 2, CUTOFF, [
      { partition: 1, block: 0 },
      { partition: 3, block: 2 },
    ])
    const plain = versionTableSql.build(orderMix, 2, CUTOFF)
    const insert = plain.slice(0, plain.indexOf(' SELECT '))
    const aggregate = plain.slice(insert.length + 1)
    const [plainSelect, rest] = aggregate.split(' FROM tf_master_orders WHERE ') as [string, string]
    // the branches of the UNION ALL materialize the keys (18.16 refuses a constant key there)
    const select = plainSelect
      .replace('`shopId` AS _k_shop', 'materialize(`shopId`) AS _k_shop')
      .replace('`status` AS _k_status', 'materialize(`status`) AS _k_status')
      .replace('(`amountCents` >= toInt64(10000)) AS _k_large', 'materialize((`amountCents` >= toInt64(10000))) AS _k_large')
    const [conditions, groupBy] = rest.split(' GROUP BY ') as [string, string]
    const suspect = '(_partition = 1 AND intDiv(_offset, 1048576) = 0) OR (_partition = 3 AND intDiv(_offset, 1048576) = 2)'
    const once = `(SELECT \`ts\`, \`shopId\`, \`status\`, \`amountCents\`, \`items\`, _error, _partition, _offset FROM tf_master_orders PREWHERE ${suspect} WHERE \`ts\` < 1767268800000 LIMIT 1 BY _partition, _offset)`
    expect(sql).toBe(
      `${insert} SELECT _window_start, _k_shop, _k_status, _k_large, sum(_m_orders_count) AS _merged_0, sum(_m_items_sum) AS _merged_1, max(_m_maxUnitPrice_max) AS _merged_2, sum(_m_maxUnitPrice_count) AS _merged_3 ` +
        `FROM (${select} FROM tf_master_orders WHERE ${conditions} AND NOT (${suspect}) GROUP BY ${groupBy} ` +
        `UNION ALL ${select} FROM ${once} WHERE ${conditions} GROUP BY ${groupBy}) GROUP BY ${groupBy}`,
    )
    expect(versionTableSql.build(orderMix, 2, CUTOFF, [])).toBe(plain)
  })

  it('reads windows in a range, without a bound for infinite ends', () => {
    expect(versionTableSql.readWindows(shopRevenue, 1, 0, CUTOFF)).toBe(
      'SELECT _window_start, _k_shop, _m_orders_count, _m_revenueCents_sum, _m_biggest_max, _m_smallest_min, _m_avgCents_sum, _m_avgCents_count ' +
        'FROM tf_view_shopRevenue_v1 WHERE _window_start >= 0 AND _window_start < 1767268800000 ORDER BY _window_start, _k_shop',
    )
    expect(versionTableSql.readWindows(shopRevenue, 1, -Infinity, Infinity)).not.toContain('WHERE')
  })
})
