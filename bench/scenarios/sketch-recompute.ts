import { BATCH_TOKENS, masterTableSql, versionTableSql } from '@twinflow/batch-layer'
import { createTwinflow } from 'twinflow'
import { alternate } from '../src/alternate.ts'
import { purchases } from '../src/purchases.ts'
import { shopSketches, sketchPipeline } from '../src/sketch-views.ts'
import { ratios } from '../src/stats.ts'
import type { Check, Scenario, ScenarioContext } from '../src/scenario.ts'
import { fill } from './recompute.ts'

const BASELINE_TABLE = 'bench_shop_sketches'
/** As in recompute: a repetition takes seconds, the fill tens of seconds; more repetitions steady the median. */
const REPEATS = 5

/**
 * sketch-recompute: a batch run of the `shopSketches` view (per shop and hour: count, distinct
 * buyers, percentiles of the amount) over the whole master table, Twinflow's BatchRunner.runView
 * against a hand-written `CREATE TABLE` + `INSERT … SELECT … GROUP BY` computing the same sketches
 * (registers and buckets as Twinflow defines them, checked equal), on the same ClickHouse server.
 * The master table is filled inside ClickHouse as in recompute: 30 days of purchases, 1M events
 * (quick) or 1M and 10M.
 */
export const sketchRecomputeScenario: Scenario = {
  name: 'sketch-recompute',
  async run(ctx: ScenarioContext) {
    await ctx.services.reset()
    const sizes = ctx.quick ? [1_000_000] : [1_000_000, 10_000_000]
    const twinflow = createTwinflow({ pipeline: sketchPipeline, config: ctx.services.config({ batch: { schedule: '0 0 1 1 *', runner: { keepVersions: 2 } } }) })
    await twinflow.start([], { connect: ['batch'] })
    const checks: Check[] = []
    const setup: string[] = []
    const repeats = Math.max(ctx.repeats, REPEATS)
    try {
      const runner = twinflow.get(BATCH_TOKENS.Runner)
      let filled = 0
      let last: { cutoff: number; version: number; rows: number } | null = null
      for (const size of sizes) {
        const fillMs = await fill(ctx, filled, size)
        filled = size
        let checked = false
        const runs = await alternate(
          repeats,
          {
            framework: async () => {
              const start = performance.now()
              const run = await runner.runView(shopSketches.name)
              const ms = performance.now() - start
              if (run.status !== 'succeeded') throw new Error(`the batch run failed: ${run.error}`)
              last = run
              return ms
            },
            baseline: async () => {
              if (!last) throw new Error('the framework runs first: the baseline uses its cutoff')
              await ctx.services.clickhouse.command({ query: `DROP TABLE IF EXISTS ${BASELINE_TABLE}` })
              const start = performance.now()
              await handWritten(ctx, last.cutoff)
              const ms = performance.now() - start
              if (!checked) {
                await assertSameTable(ctx, versionTableSql.table(shopSketches, last.version))
                checked = true
              }
              return ms
            },
          },
          { log: ctx.log, warmUps: 1 },
        )
        const label = `${size / 1_000_000}M events`
        checks.push({
          name: `time ÷ hand-written INSERT…SELECT of the sketches (${label})`,
          samples: ratios(runs.framework, runs.baseline),
          unit: '×',
          target: { op: '<=', value: 1.3 },
          figures: { unit: 'ms', framework: runs.framework, baseline: runs.baseline },
        })
        setup.push(`${label}: master table filled (and its parts merged) in ${(fillMs / 1000).toFixed(1)} s, ${last!.rows.toLocaleString('en')} view rows.`)
      }
    } finally {
      await twinflow.stop()
    }
    return {
      scenario: 'sketch-recompute',
      setup: [
        `View shopSketches (1h windows by shop: count, distinct(userId) of 4096 registers, quantiles(amountCents) at 1 %) over 30 days of purchases; BatchRunner.runView vs a hand-written CREATE TABLE + INSERT…SELECT…GROUP BY of the same registers and buckets; ${repeats} repetitions of each side.`,
        ...setup,
      ],
      checks,
    }
  },
}

/**
 * What a data engineer writes by hand for the same sketches, as Twinflow defines them (see
 * hllRegister and bucketKey): per event its register (index: the low 12 bits of sipHash64 of the
 * buyer; rank: 1 + the trailing zeros of the other 52, 53 when all are zero) and its bucket (the
 * top 6 significand bits of the amount's double with its exponent, + 1; 0 for 0); per group the
 * highest rank of each index set, ascending, and the count of each bucket.
 */
async function handWritten(ctx: ScenarioContext, cutoff: number): Promise<void> {
  const ch = ctx.services.clickhouse
  await ch.command({
    query: `CREATE TABLE ${BASELINE_TABLE} (window_start Int64, shop String, purchases Int64, buyers Array(UInt32), amounts Tuple(Array(Int32), Array(UInt64)))
      ENGINE = MergeTree() ORDER BY (window_start, shop)`,
  })
  await ch.command({
    query: `INSERT INTO ${BASELINE_TABLE} SELECT window_start, shop, count(),
        arrayReverse(arrayFilter((r, first) -> first = 1, arrayReverseSort(groupUniqArray(register)) AS registers, arrayEnumerateUniq(arrayMap(r -> intDiv(r, 64), registers)))),
        sumMap([bucket], [toUInt64(1)])
      FROM (
        SELECT intDiv(ts, 3600000) * 3600000 AS window_start, shop,
          sipHash64(userId) AS h, bitShiftRight(h, 12) AS rest,
          toUInt32(bitAnd(h, 4095) * 64 + if(rest = 0, 53, toUInt8(log2(toFloat64(bitAnd(rest, bitNot(rest) + 1)))) + 1)) AS register,
          toInt32(if(amountCents = 0, 0, if(amountCents < 0, -1, 1) * (toInt64(bitShiftRight(reinterpretAsUInt64(reinterpretAsString(toFloat64(abs(amountCents)))), 46)) + 1))) AS bucket
        FROM ${masterTableSql.table(purchases)} WHERE _error = '' AND ts < ${cutoff})
      GROUP BY window_start, shop`,
  })
}

/** Row count and a hash of the rows' values, in any order (arrays as text: 18.16 hashes no arrays). */
const rowsHash = (columns: [string, string, string, string, string]) => {
  const [w, shop, n, registers, buckets] = columns
  const text = (a: string) => `arrayStringConcat(arrayMap(x -> toString(x), ${a}), ',')`
  return `count() AS n, sum(cityHash64(${w}, ${shop}, ${n}, ${text(registers)}, ${text(`tupleElement(${buckets}, 1)`)}, ${text(`tupleElement(${buckets}, 2)`)})) AS h`
}

async function assertSameTable(ctx: ScenarioContext, framework: string): Promise<void> {
  const hash = async (table: string, columns: [string, string, string, string, string]) => {
    const result = await ctx.services.clickhouse.query({ query: `SELECT ${rowsHash(columns)} FROM ${table}`, format: 'JSONEachRow' })
    return JSON.stringify(await result.json())
  }
  const f = await hash(framework, ['_window_start', '_k_shop', '_m_purchases_count', '_m_buyers_hll', '_m_amountCents_dd'])
  const b = await hash(BASELINE_TABLE, ['window_start', 'shop', 'purchases', 'buyers', 'amounts'])
  if (f !== b) throw new Error(`the batch run and the hand-written SQL built different tables: ${f} vs ${b}`)
}
