import { describe, expect, it } from 'vitest'
import { avg, count, defineStream, defineView, distinct, max, quantiles, sum, t } from '@twinflow/core'
import { versionPageSql } from './version-page-sql.ts'

const orders = defineStream('orders', { shopId: t.string(), web: t.boolean(), amountCents: t.int64(), ts: t.eventTime() })
const shopRevenue = defineView('shopRevenue', orders, {
  groupBy: (o) => ({ shop: o.shopId, web: o.web }),
  window: '1h',
  measures: (o) => ({ orders: count(), revenueCents: sum(o.amountCents), biggest: max(o.amountCents), avgCents: avg(o.amountCents) }),
})
const visits = defineStream('visits', { page: t.string().optional(), user: t.string(), ms: t.int64().optional(), ts: t.eventTime() })
const pageVisits = defineView('pageVisits', visits, {
  groupBy: (v) => ({ page: v.page }),
  window: '1h',
  measures: (v) => ({ longest: max(v.ms), users: distinct(v.user, { precision: 8 }), latency: quantiles(v.ms, [0.5]) }),
})
const FROM = Date.UTC(2026, 0, 1)
const TO = Date.UTC(2026, 6, 1)
const COLUMNS = '_window_start, _k_shop, _k_web, _m_orders_count, _m_revenueCents_sum, _m_biggest_max, _m_avgCents_sum, _m_avgCents_count'

describe('versionPageSql', () => {
  it('counts the rows of a selection: rows at the view window, distinct buckets and groups when coarser', () => {
    expect(versionPageSql.count(shopRevenue, 3, { from: FROM, to: TO })).toBe(
      `SELECT count() AS n FROM tf_view_shopRevenue_v3 WHERE _window_start >= ${FROM} AND _window_start < ${TO}`,
    )
    expect(versionPageSql.count(shopRevenue, 3, { from: FROM, to: TO, bucket: '1d', keys: { shop: ['a', "o'k"], web: [true] } })).toBe(
      `SELECT uniqExact(intDiv(_window_start, 86400000) * 86400000, _k_shop, _k_web) AS n FROM tf_view_shopRevenue_v3 ` +
        `WHERE _window_start >= ${FROM} AND _window_start < ${TO} AND _k_shop IN ('a', 'o\\'k') AND _k_web IN (1)`,
    )
    expect(versionPageSql.count(shopRevenue, 3, { from: FROM, to: TO, bucket: '1h', keys: { shop: [] } })).toBe(
      `SELECT count() AS n FROM tf_view_shopRevenue_v3 WHERE _window_start >= ${FROM} AND _window_start < ${TO} AND 0`,
    )
  })

  it('orders and cuts a page at the view window, after a keyset cursor of mixed directions (an OR chain, no tuples)', () => {
    const sql = versionPageSql.page(shopRevenue, 1, {
      from: FROM,
      to: TO,
      orderBy: [
        { field: 'avgCents', direction: 'DESC' },
        { field: 'windowStart', direction: 'ASC' },
        { field: 'shop', direction: 'DESC' },
        { field: 'web', direction: 'ASC' },
      ],
      after: [-2.5, FROM, 'b', false],
      limit: 51,
    })
    const avgCents = '(_m_avgCents_sum / _m_avgCents_count)'
    expect(sql).toBe(
      `SELECT ${COLUMNS} FROM tf_view_shopRevenue_v1 WHERE _window_start >= ${FROM} AND _window_start < ${TO} AND (` +
        `(${avgCents} < (-2.5)) OR ` +
        `(${avgCents} = (-2.5) AND _window_start > ${FROM}) OR ` +
        `(${avgCents} = (-2.5) AND _window_start = ${FROM} AND _k_shop < 'b') OR ` +
        `(${avgCents} = (-2.5) AND _window_start = ${FROM} AND _k_shop = 'b' AND _k_web > 0)) ` +
        `ORDER BY ${avgCents} DESC, _window_start ASC, _k_shop DESC, _k_web ASC LIMIT 51`,
    )
  })

  it('merges into coarser buckets in a subquery with aggregates of their own names, calendar months in UTC', () => {
    const page = { from: FROM, to: TO, orderBy: [{ field: 'orders', direction: 'DESC' as const }], after: null, limit: 10 }
    const inner = (bucket: string) =>
      `SELECT ${bucket} AS _bucket, _k_shop, _k_web, sum(_m_orders_count) AS _cell0, sum(_m_revenueCents_sum) AS _cell1, max(_m_biggest_max) AS _cell2, ` +
      `sum(_m_avgCents_sum) AS _cell3, sum(_m_avgCents_count) AS _cell4 FROM tf_view_shopRevenue_v2 WHERE _window_start >= ${FROM} AND _window_start < ${TO} GROUP BY _bucket, _k_shop, _k_web`
    const outer =
      '_bucket AS _window_start, _k_shop, _k_web, _cell0 AS _m_orders_count, _cell1 AS _m_revenueCents_sum, _cell2 AS _m_biggest_max, _cell3 AS _m_avgCents_sum, _cell4 AS _m_avgCents_count'
    expect(versionPageSql.page(shopRevenue, 2, { ...page, bucket: '1d' })).toBe(
      `SELECT ${outer} FROM (${inner('intDiv(_window_start, 86400000) * 86400000')}) ORDER BY _cell0 DESC LIMIT 10`,
    )
    expect(versionPageSql.page(shopRevenue, 2, { ...page, bucket: '1mo', after: [3] })).toBe(
      `SELECT ${outer} FROM (${inner("(_window_start - _window_start % 86400000 - (toDayOfMonth(toDateTime(intDiv(_window_start, 1000), 'UTC')) - 1) * 86400000)")}) ` +
        'WHERE ((_cell0 < 3)) ORDER BY _cell0 DESC LIMIT 10',
    )
  })

  it('puts NULL first ascending and last descending, in the order and after a cursor, and compares no NULL', () => {
    const longest = 'if(_m_longest_count = 0, NULL, _m_longest_max)'
    const ascending = versionPageSql.page(pageVisits, 1, {
      from: FROM,
      to: TO,
      orderBy: [
        { field: 'longest', direction: 'ASC' },
        { field: 'page', direction: 'DESC' },
        { field: 'windowStart', direction: 'ASC' },
      ],
      after: [null, 'a', FROM],
      limit: 5,
    })
    expect(ascending).toContain(
      `AND ((isNotNull(${longest})) OR (isNull(${longest}) AND (isNull(_k_page) OR assumeNotNull(_k_page) < 'a')) OR ` +
        `(isNull(${longest}) AND (isNotNull(_k_page) AND assumeNotNull(_k_page) = 'a') AND _window_start > ${FROM})) ` +
        `ORDER BY isNull(${longest}) DESC, ${longest} ASC, isNull(_k_page) ASC, _k_page DESC, _window_start ASC LIMIT 5`,
    )
    const descending = versionPageSql.page(pageVisits, 1, {
      from: FROM,
      to: TO,
      orderBy: [
        { field: 'longest', direction: 'DESC' },
        { field: 'page', direction: 'ASC' },
        { field: 'windowStart', direction: 'ASC' },
      ],
      after: [7, null, FROM],
      limit: 5,
    })
    expect(descending).toContain(`((isNull(${longest}) OR assumeNotNull(${longest}) < 7)) OR ((isNotNull(${longest}) AND assumeNotNull(${longest}) = 7) AND isNotNull(_k_page))`)
  })

  it('counts a NULL key as a group of its own (an aggregate would skip it)', () => {
    expect(versionPageSql.count(pageVisits, 1, { from: FROM, to: TO, bucket: '1d' })).toBe(
      `SELECT uniqExact(intDiv(_window_start, 86400000) * 86400000, isNull(_k_page), assumeNotNull(_k_page)) AS n FROM tf_view_pageVisits_v1 ` +
        `WHERE _window_start >= ${FROM} AND _window_start < ${TO}`,
    )
  })

  it('merges sketch cells into coarser buckets in SQL, and orders by no sketch', () => {
    const sql = versionPageSql.page(pageVisits, 1, { from: FROM, to: TO, bucket: '1d', orderBy: [{ field: 'page', direction: 'ASC' }], after: null, limit: 5 })
    expect(sql).toContain('AS _cell2')
    expect(sql).toContain('groupUniqArrayArray(_m_users_hll)')
    expect(sql).toContain('sumMap(tupleElement(_m_latency_dd, 1), tupleElement(_m_latency_dd, 2)) AS _cell3')
    for (const field of ['users', 'latency']) {
      expect(() => versionPageSql.page(pageVisits, 1, { from: FROM, to: TO, orderBy: [{ field, direction: 'ASC' }], after: null, limit: 5 })).toThrow(
        `cannot order view "pageVisits" by its`,
      )
    }
    expect(() => versionPageSql.page(pageVisits, 1, { from: FROM, to: TO, orderBy: [{ field: 'windowStart', direction: 'ASC' }], after: [null], limit: 5 })).toThrow(
      'after has null for a sort term that cannot be null',
    )
  })

  it('refuses what the view does not have, values of another kind, and buckets finer than the window', () => {
    const page = { from: FROM, to: TO, orderBy: [{ field: 'shop', direction: 'ASC' as const }], after: null, limit: 1 }
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, orderBy: [{ field: 'price', direction: 'ASC' }] })).toThrow('cannot order view "shopRevenue" by "price"')
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, keys: { country: ['DE'] } })).toThrow('view "shopRevenue" has no key "country"')
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, after: [7] })).toThrow('cannot write 7 as a string SQL literal')
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, after: ['a', 'b'] })).toThrow('after has 2 values for 1 sort terms')
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, bucket: '15m' })).toThrow('bucket 15m is not a whole number of the 1h windows')
    expect(() => versionPageSql.page(shopRevenue, 1, { ...page, limit: 0 })).toThrow('limit must be a positive integer')
    expect(() => versionPageSql.count(shopRevenue, 1, { from: Number.NaN, to: TO })).toThrow('from must be a time in epoch ms')
  })
})
