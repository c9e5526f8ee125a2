import { describe, expect, it } from 'vitest'
import { buildBehindCountQuery, buildNullCountQuery, buildPageQuery, buildProbeQuery, type PagePlan } from './build-page-query.ts'
import { mysqlDialect } from './mysql-dialect.ts'
import { postgresDialect } from './postgres-dialect.ts'

const pg = (over: Partial<PagePlan> = {}): PagePlan => ({
  dialect: postgresDialect,
  source: { table: 'shop.orders' },
  cursor: ['updated_at', 'id'],
  kinds: ['time', 'int'],
  batchSize: 500,
  safetyLagMs: 0,
  ...over,
})
const my = (over: Partial<PagePlan> = {}) => pg({ dialect: mysqlDialect, ...over })

describe('buildPageQuery', () => {
  it('reads the first page from the start, rows with a NULL cursor left out', () => {
    expect(buildPageQuery(pg(), { after: null })).toEqual({
      sql: 'SELECT * FROM "shop"."orders" WHERE "updated_at" IS NOT NULL AND "id" IS NOT NULL ORDER BY "updated_at", "id" LIMIT 500',
      params: [],
    })
  })

  it('PostgreSQL: the keyset after the cursor as a row comparison, values as text parameters', () => {
    expect(buildPageQuery(pg(), { after: ['2026-01-15T10:05:00.123456Z', '42'] })).toEqual({
      sql: 'SELECT * FROM "shop"."orders" WHERE ("updated_at", "id") > ($1, $2) ORDER BY "updated_at", "id" LIMIT 500',
      params: ['2026-01-15T10:05:00.123456Z', '42'],
    })
    expect(buildPageQuery(pg({ cursor: ['id'], kinds: ['int'] }), { after: ['42'] }).sql).toBe('SELECT * FROM "shop"."orders" WHERE "id" > $1 ORDER BY "id" LIMIT 500')
  })

  it('MySQL: the keyset expanded to a range on the first column; integers exact, times in the server form', () => {
    expect(buildPageQuery(my({ source: { table: 'orders', columns: ['id', 'updated_at', 'amount'] } }), { after: ['2026-01-15T10:05:00.5Z', '9007199254740993'] })).toEqual({
      sql: 'SELECT `id`, `updated_at`, `amount` FROM `orders` WHERE `updated_at` >= ? AND (`updated_at` > ? OR `id` > ?) ORDER BY `updated_at`, `id` LIMIT 500',
      params: ['2026-01-15 10:05:00.5', '2026-01-15 10:05:00.5', 9007199254740993n],
    })
  })

  it('a safety lag holds back rows younger than the lag by the server clock', () => {
    expect(buildPageQuery(pg({ safetyLagMs: 5000 }), { after: ['t', '1'] }).sql).toContain(`AND "updated_at" <= now() - interval '5000 milliseconds' ORDER BY`)
    expect(buildPageQuery(my({ safetyLagMs: 1500 }), { after: null }).sql).toContain('AND `updated_at` <= CURRENT_TIMESTAMP(6) - INTERVAL 1500000 MICROSECOND ORDER BY')
  })

  it('query mode: the keyset condition in place of {{cursor}}, order and limit appended', () => {
    const plan = pg({
      source: { query: 'SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.active AND {{cursor}}' },
      cursor: ['o.updated_at', 'o.id'],
    })
    expect(buildPageQuery(plan, { after: ['$1 $& $$', '7'] })).toEqual({
      sql: 'SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.active AND (("o"."updated_at", "o"."id") > ($1, $2)) ORDER BY "o"."updated_at", "o"."id" LIMIT 500',
      params: ['$1 $& $$', '7'],
    })
    expect(buildProbeQuery(plan)).toBe(
      'SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.active AND (1 = 0) ORDER BY "o"."updated_at", "o"."id" LIMIT 0',
    )
    expect(buildNullCountQuery(plan)).toBeNull()
  })

  it('PostgreSQL late-row check: one statement with the page and the rows at or below the cursor its reference snapshot did not see', () => {
    const { sql, params } = buildPageQuery(pg(), {
      after: ['T', '9'],
      withSnapshot: true,
      lateCheck: { snapshot: { xmin: 100n, xmax: 105n, xip: [101n, 103n] }, lookbackMs: 60_000 },
    })
    expect(params).toEqual(['T', '9', 'T', '9'])
    expect(sql).toBe(
      'SELECT * FROM (' +
        `(SELECT *, false AS "__twinflow_late", pg_current_snapshot()::text AS "__twinflow_snapshot" FROM "shop"."orders" WHERE ("updated_at", "id") > ($1, $2) ORDER BY "updated_at", "id" LIMIT 500)` +
        ' UNION ALL ' +
        `(SELECT *, true AS "__twinflow_late", pg_current_snapshot()::text AS "__twinflow_snapshot" FROM "shop"."orders" WHERE "updated_at" IS NOT NULL AND "id" IS NOT NULL AND NOT (("updated_at", "id") > ($3, $4)) AND "updated_at" > now() - interval '60000 milliseconds' AND ` +
        'NOT ((xmin::text::bigint) < 3 OR (((xmin::text::bigint) - 100 + 4294967296) % 4294967296) >= 2147483648 OR ((((xmin::text::bigint) - 105 + 4294967296) % 4294967296) >= 2147483648 AND NOT (xmin::text::bigint) IN (101, 103))))' +
        ') AS twinflow_page ORDER BY "__twinflow_late", "updated_at", "id"',
    )
    // No reference yet (the first page): only the snapshot is asked for.
    expect(buildPageQuery(pg(), { after: null, withSnapshot: true, lateCheck: null }).sql).toBe(
      'SELECT *, pg_current_snapshot()::text AS "__twinflow_snapshot" FROM "shop"."orders" WHERE "updated_at" IS NOT NULL AND "id" IS NOT NULL ORDER BY "updated_at", "id" LIMIT 500',
    )
  })

  it('quotes names with quotes in them', () => {
    expect(buildPageQuery(pg({ source: { table: 'we"ird' }, cursor: ['i"d'], kinds: ['int'] }), { after: null }).sql).toBe(
      'SELECT * FROM "we""ird" WHERE "i""d" IS NOT NULL ORDER BY "i""d" LIMIT 500',
    )
    expect(buildPageQuery(my({ source: { table: 'we`ird' }, cursor: ['id'], kinds: ['int'] }), { after: null }).sql).toBe(
      'SELECT * FROM `we``ird` WHERE `id` IS NOT NULL ORDER BY `id` LIMIT 500',
    )
  })

  it('probes and counts NULL cursors in table mode', () => {
    expect(buildProbeQuery(my())).toBe('SELECT * FROM `shop`.`orders` WHERE 1 = 0 ORDER BY `updated_at`, `id` LIMIT 0')
    expect(buildNullCountQuery(pg())).toBe('SELECT count(*) AS n FROM "shop"."orders" WHERE "updated_at" IS NULL OR "id" IS NULL')
  })

  it('counts the rows at or below the cursor (the check for rows behind it), in table mode only', () => {
    expect(buildBehindCountQuery(pg(), ['2026-01-15T10:05:00.5Z', '42'])).toEqual({
      sql: 'SELECT count(*) AS n FROM "shop"."orders" WHERE "updated_at" IS NOT NULL AND "id" IS NOT NULL AND ("updated_at", "id") <= ($1, $2)',
      params: ['2026-01-15T10:05:00.5Z', '42'],
    })
    expect(buildBehindCountQuery(my(), ['2026-01-15T10:05:00.5Z', '42'])).toEqual({
      sql: 'SELECT count(*) AS n FROM `shop`.`orders` WHERE `updated_at` IS NOT NULL AND `id` IS NOT NULL AND `updated_at` <= ? AND (`updated_at` < ? OR `id` <= ?)',
      params: ['2026-01-15 10:05:00.5', '2026-01-15 10:05:00.5', 42n],
    })
    expect(buildBehindCountQuery(my({ cursor: ['id'], kinds: ['int'] }), ['7'])?.sql).toBe('SELECT count(*) AS n FROM `shop`.`orders` WHERE `id` IS NOT NULL AND `id` <= ?')
    // With PostgreSQL's late-row check, rows it will still read are not behind the source.
    expect(buildBehindCountQuery(pg(), ['T', '9'], { snapshot: { xmin: 100n, xmax: 101n, xip: [] }, lookbackMs: 60_000 })?.sql).toBe(
      'SELECT count(*) AS n FROM "shop"."orders" WHERE "updated_at" IS NOT NULL AND "id" IS NOT NULL AND ("updated_at", "id") <= ($1, $2) AND ' +
        `NOT ("updated_at" > now() - interval '60000 milliseconds' AND NOT ((xmin::text::bigint) < 3 OR (((xmin::text::bigint) - 100 + 4294967296) % 4294967296) >= 2147483648 OR ((((xmin::text::bigint) - 101 + 4294967296) % 4294967296) >= 2147483648 AND NOT false)))`,
    )
    expect(buildBehindCountQuery(pg({ source: { query: 'SELECT * FROM orders WHERE {{cursor}}' } }), ['1', '2'])).toBeNull()
  })
})
