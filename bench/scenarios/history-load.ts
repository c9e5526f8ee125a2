import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LOADS_TABLE, ledgerSql, masterTableSql } from '@twinflow/batch-layer'
import { createTwinflow, loadHistory } from 'twinflow'
import { alternate } from '../src/alternate.ts'
import { generatePurchases } from '../src/generate-purchases.ts'
import { timed } from '../src/in-lanes.ts'
import { purchases, purchasesPipeline } from '../src/purchases.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'
import { ratios } from '../src/stats.ts'

const BASELINE_TABLE = 'bench_csv_purchases'
const FIELDS = Object.keys(purchases.fields)

/**
 * history-load: rows/s of `twinflow load`'s path (hash the file, catalog it, read the CSV, check
 * each field against its type, write blocks of 100k rows as TabSeparated bytes and insert them one
 * after the other, the next block read meanwhile, into the master table)
 * against ClickHouse's own parser: the same file sent as `INSERT INTO t (fields) FORMAT
 * CSVWithNames` (streamed over HTTP by @clickhouse/client) into a table of the same schema, engine
 * and sort key. Both start from an empty table each repetition; both tables must hold the same
 * fields (checked on the first repetition). Target ≥ 0.5.
 */
export const historyLoadScenario: Scenario = {
  name: 'history-load',
  async run(ctx: ScenarioContext) {
    const rows = ctx.quick ? 200_000 : 1_000_000
    await ctx.services.reset()
    const dir = mkdtempSync(join(tmpdir(), 'twinflow-bench-load-'))
    try {
      const file = join(dir, 'purchases.csv')
      const bytes = writeCsv(file, rows)
      const table = masterTableSql.table(purchases)
      const fingerprints: Record<string, string> = {}
      const runs = await alternate(
        ctx.repeats,
        {
          framework: async (i) => {
            await dropLoadTables(ctx)
            const twinflow = createTwinflow({ pipeline: purchasesPipeline, config: ctx.services.config() })
            await twinflow.start([], { connect: ['archiver'] })
            try {
              let inserted = 0
              const ms = await timed(async () => {
                inserted = (await loadHistory(twinflow, { stream: purchases.name, files: [file] })).inserted
              })
              if (inserted !== rows) throw new Error(`twinflow load inserted ${inserted} rows of ${rows}`)
              if (i === 0) fingerprints.framework = await fingerprint(ctx, table)
              return ms
            } finally {
              await twinflow.stop()
            }
          },
          baseline: async (i) => {
            await ctx.services.clickhouse.command({ query: `DROP TABLE IF EXISTS ${BASELINE_TABLE}` })
            await ctx.services.clickhouse.command({ query: masterTableSql.create(purchases).replace(table, BASELINE_TABLE) })
            const ms = await timed(() =>
              ctx.services.clickhouse.insert({ table: BASELINE_TABLE, values: createReadStream(file), format: 'CSVWithNames', columns: FIELDS as [string, ...string[]] }),
            )
            if (i === 0) fingerprints.baseline = await fingerprint(ctx, BASELINE_TABLE)
            return ms
          },
        },
        { log: ctx.log, warmUps: 1 },
      )
      if (fingerprints.framework !== fingerprints.baseline)
        throw new Error(`twinflow load and ClickHouse's CSV insert stored different rows: ${fingerprints.framework} vs ${fingerprints.baseline}`)
      const perSecond = (ms: number) => (rows / ms) * 1000
      const framework = runs.framework.map(perSecond)
      const baseline = runs.baseline.map(perSecond)
      return {
        scenario: 'history-load',
        setup: [
          `one CSV file of ${rows.toLocaleString('en')} purchases (${(bytes / 1e6).toFixed(0)} MB, 10 columns, a header), loaded into an empty table each repetition;`,
          `twinflow load's path (SHA-256, catalog, read, check each field, blocks of 100k rows as TabSeparated) vs INSERT … FORMAT CSVWithNames of the same file over HTTP into a table of the same schema; equal fields checked (${fingerprints.framework}).`,
        ],
        checks: [
          {
            name: 'rows/s ÷ ClickHouse CSVWithNames insert',
            samples: ratios(framework, baseline),
            unit: '×',
            target: { op: '>=', value: 0.5 },
            figures: { unit: 'rows/s', framework, baseline },
          },
        ],
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

/** The purchases as a CSV export: a header of the field names, epoch-ms times, quoted where RFC 4180 needs it. */
function writeCsv(path: string, rows: number): number {
  const now = Date.now()
  const events = generatePurchases(rows, { seed: 21, from: now - 90 * 86_400_000, to: now - 86_400_000 })
  const quote = (v: unknown) => {
    const s = String(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  const lines = [FIELDS.join(',')]
  for (const e of events) lines.push(FIELDS.map((f) => quote((e as Record<string, unknown>)[f])).join(','))
  const text = `${lines.join('\n')}\n`
  writeFileSync(path, text)
  return Buffer.byteLength(text)
}

/** The master table, its materialized views and the load catalog, dropped: the next load starts from nothing. */
async function dropLoadTables(ctx: ScenarioContext): Promise<void> {
  for (const name of [masterTableSql.offsetsView(purchases), ledgerSql.view(purchases), masterTableSql.table(purchases), LOADS_TABLE]) {
    await ctx.services.clickhouse.command({ query: `DROP TABLE IF EXISTS ${name}` })
  }
}

/** Row count and an order-independent hash of the stream's fields. */
async function fingerprint(ctx: ScenarioContext, table: string): Promise<string> {
  const result = await ctx.services.clickhouse.query({ query: `SELECT count() AS n, sum(cityHash64(${FIELDS.join(', ')})) AS h FROM ${table}`, format: 'JSONEachRow' })
  const [row] = await result.json<{ n: string; h: string }>()
  return `${row!.n} rows, hash ${row!.h}`
}
