import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOKENS } from '@twinflow/core'
import { masterTableSql } from '@twinflow/batch-layer'
import { createTwinflow, parseConfig } from 'twinflow'
import { hourlySeries, hourlySeriesPipeline, samples } from '../src/hourly-series.ts'
import { ratios, summarize } from '../src/stats.ts'
import type { Check, EmbeddedScenario } from '../src/scenario.ts'

const HOUR = 3_600_000
const KEYS = 200
/** Six months of hourly windows (183 days). */
const LONG_HOURS = 183 * 24
const PAGE = 50
/** Requests of each page per repetition (their median is the sample), in a quick and in a full run. */
const REQUESTS = { quick: 15, full: 40 }

const SERIES = `query($from: DateTime!, $to: DateTime!, $orderBy: [HourlySeriesOrder!], $limit: Int, $after: String) {
  hourlySeries(from: $from, to: $to, orderBy: $orderBy, limit: $limit, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } rows { windowStart key n total }
  }
}`

interface Page {
  totalCount: number
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  rows: { windowStart: string; key: string; n: number; total: number }[]
}

interface Query {
  from: number
  to: number
  orderBy?: { field: string; direction: string }[]
  after?: string | null
}

/**
 * paging: what one page (`limit: 50`) of a long range costs against the same page of a short one.
 * A view of 200 keys with 6 months of hourly windows in its batch version (878,400 rows, built by
 * the batch engine from a master table filled inside chdb) and the last hour in the speed layer
 * (the in-process store); the serve role answers GraphQL over HTTP, on the embedded runtimes (no
 * container). Per repetition, the same page of the 6-month range and of the 1-day range (both end
 * with the speed layer's hour), requested in turn (L S, S L, ...: both see the same load on a
 * shared machine), each sample the median of its side's requests: the first page, and a page in
 * the middle of the answer (reached by following cursors); reference: the first page ordered by a
 * measure.
 */
export const pagingScenario: EmbeddedScenario = {
  name: 'paging',
  embedded: true,
  async run(ctx) {
    const dataDir = mkdtempSync(join(tmpdir(), 'twinflow-bench-paging-'))
    const cutoff = Math.floor(Date.now() / HOUR) * HOUR
    const start = cutoff - LONG_HOURS * HOUR
    const twinflow = createTwinflow({
      pipeline: hourlySeriesPipeline,
      config: parseConfig({ serving: { port: 0, host: '127.0.0.1', accessLog: false }, batch: { schedule: '0 0 1 1 *' }, log: { level: 'warn' } }, { dataDir }),
    })
    try {
      await twinflow.start(['serve'], { connect: ['batch'] })
      const began = performance.now()
      await fill(twinflow.get(TOKENS.ClickHouseDriver), start, cutoff)
      const engine = twinflow.get(TOKENS.BatchEngine)
      const rows = await engine.buildVersion(hourlySeries.name, 1, cutoff)
      await engine.publish(hourlySeries.name, 1, cutoff)
      const store = twinflow.get(TOKENS.RealtimeStore)
      await store.markCutoff(hourlySeries.name, cutoff)
      await store.apply({
        topic: samples.topic,
        partition: 0,
        firstOffset: 0,
        lastOffset: KEYS - 1,
        deltas: Array.from({ length: KEYS }, (_, k) => ({ view: hourlySeries.name, windowStart: cutoff, keys: [keyName(k)], cells: [1, k] })),
      })
      ctx.log(`batch version of ${rows} rows built and published in ${((performance.now() - began) / 1000).toFixed(1)} s; the speed layer holds the last hour`)

      const url = twinflow.url!
      const long = { from: start, to: cutoff + HOUR }
      const short = { from: cutoff - 23 * HOUR, to: cutoff + HOUR }
      const page = (query: Query, limit = PAGE) => request(url, query, limit)
      // The pages in the middle: after the row at half of each answer, reached through cursors.
      const [longMiddle, shortMiddle] = [await middleCursor(page, long), await middleCursor(page, short)]
      const requests = ctx.quick ? REQUESTS.quick : REQUESTS.full
      const byTotal = [{ field: 'TOTAL', direction: 'DESC' }]
      const cases = [
        { name: 'first page', long, short, target: 3 },
        { name: 'a page in the middle', long: { ...long, after: longMiddle }, short: { ...short, after: shortMiddle }, target: 3 },
        { name: 'reference: first page ordered by a measure (total DESC)', long: { ...long, orderBy: byTotal }, short: { ...short, orderBy: byTotal }, target: null },
      ]
      const checks: Check[] = []
      for (const c of cases) {
        ctx.log(`  ${c.name}`)
        const timed = async (query: Query) => {
          const started = performance.now()
          const answer = await page(query)
          const ms = performance.now() - started
          if (answer.rows.length !== PAGE || !answer.pageInfo.hasNextPage) throw new Error(`a page of ${answer.rows.length} rows, not ${PAGE} followed by more`)
          return ms
        }
        // A warm-up round of each (not counted), then each repetition: the two pages in turn, in
        // alternating order (L S, S L, ...), so that both see the same load; each side's median.
        for (const query of [c.long, c.short]) await timed(query)
        const long: number[] = []
        const short: number[] = []
        for (let i = 0; i < ctx.repeats; i++) {
          const times = { long: [] as number[], short: [] as number[] }
          for (let j = 0; j < requests; j++) {
            const order = (i * requests + j) % 2 === 0 ? (['long', 'short'] as const) : (['short', 'long'] as const)
            for (const side of order) times[side].push(await timed(c[side]))
          }
          long.push(summarize(times.long).median)
          short.push(summarize(times.short).median)
          ctx.log(`    #${i + 1}: 6 months ${long[i]!.toFixed(1)} ms, 1 day ${short[i]!.toFixed(1)} ms`)
        }
        checks.push({
          name: `page of 50: 6 months ÷ 1 day, ${KEYS} keys — ${c.name}`,
          samples: ratios(long, short),
          unit: '×',
          target: c.target === null ? null : { op: '<=', value: c.target },
          figures: { unit: 'ms', framework: long, baseline: short },
        })
      }
      return {
        scenario: 'paging',
        setup: [
          `View hourlySeries: ${KEYS} keys × ${LONG_HOURS} hourly windows (6 months) = ${rows.toLocaleString('en')} rows in the batch version (chdb), the last hour (${KEYS} rows) in the speed layer (in-process store); serving.cache as by default;`,
          `one page (limit ${PAGE}, rows and pageInfo and totalCount) of the 6-month range ("framework") and of the 1-day range ("baseline"), both ending with the speed layer's hour, through GraphQL over HTTP;`,
          `per repetition, ${requests} requests of each page, the two in turn in alternating order, each sample the median of its side's, after a warm-up request of each; the page in the middle follows the cursor of the row at half of its answer.`,
        ],
        checks,
      }
    } finally {
      await twinflow.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
}

function keyName(k: number): string {
  return `key-${String(k).padStart(3, '0')}`
}

/** One event per key and hour from `start` to `end`, filled inside ClickHouse. */
async function fill(driver: { command(sql: string): Promise<void> }, start: number, end: number): Promise<void> {
  const events = ((end - start) / HOUR) * KEYS
  await driver.command(
    `INSERT INTO ${masterTableSql.table(samples)} (_partition, _offset, _error, key, value, ts) ` +
      `SELECT 0, number, '', concat('key-', leftPad(toString(number % ${KEYS}), 3, '0')), toInt64(intHash64(number) % 1000), ` +
      `toInt64(${start} + intDiv(number, ${KEYS}) * ${HOUR} + number % 1000) FROM numbers(${events})`,
  )
}

/** The cursor after the row at half of the answer, reached by following cursors with large pages. */
async function middleCursor(page: (query: Query, limit?: number) => Promise<Page>, query: Query): Promise<string> {
  const first = await page(query, 1)
  let left = Math.floor(first.totalCount / 2)
  let after: string | null = null
  while (left > 0) {
    const step = Math.min(left, 10_000)
    const answer = await page({ ...query, after }, step)
    after = answer.pageInfo.endCursor
    left -= step
  }
  return after!
}

async function request(url: string, query: Query, limit: number): Promise<Page> {
  const iso = (t: number) => new Date(t).toISOString()
  const variables = { from: iso(query.from), to: iso(query.to), orderBy: query.orderBy, limit, after: query.after ?? null }
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SERIES, variables }) })
  const body = (await res.json()) as { data?: { hourlySeries: Page }; errors?: { message: string }[] }
  if (body.errors || !body.data) throw new Error(`the query failed: ${JSON.stringify(body.errors)}`)
  return body.data.hourlySeries
}
