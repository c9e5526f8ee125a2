import type { LogBatch } from '@twinflow/core'
import { BATCH_TOKENS, ledgerSql, masterTableSql } from '@twinflow/batch-layer'
import { createTwinflow } from 'twinflow'
import { alternate } from '../src/alternate.ts'
import { PARTITIONS } from '../src/bench-services.ts'
import { inLanes, timed } from '../src/in-lanes.ts'
import { logBatches } from '../src/log-batches.ts'
import { generatePurchases, purchaseMessages } from '../src/generate-purchases.ts'
import { purchases, purchasesPipeline } from '../src/purchases.ts'
import { ratios } from '../src/stats.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'

const BATCH = 5000

/**
 * archive: rows/s the archiver writes into the master table (decode and validate each record,
 * one JSONEachRow insert per log batch, resume bookkeeping) against a hand-written
 * @clickhouse/client insert of the same rows: JSON.parse each record, add partition, offset and
 * error columns, one JSONEachRow insert per batch of the same size. The log batches are built in
 * memory (the log is not what is measured); 4 partitions are archived concurrently, each in order,
 * as the consumer does. Both sides must leave the same rows (checked on the first repetition).
 */
export const archiveScenario: Scenario = {
  name: 'archive',
  async run(ctx: ScenarioContext) {
    const events = ctx.quick ? 200_000 : 1_000_000
    await ctx.services.reset()
    const batches = purchaseBatches(events)
    const table = masterTableSql.table(purchases)
    const fingerprints: Record<string, string> = {}
    const runs = await alternate(
      ctx.repeats,
      {
        framework: async (i) => {
          const twinflow = await freshMasterTable(ctx, table)
          try {
            const archiver = twinflow.get(BATCH_TOKENS.Archiver)
            const ms = await timed(() => inLanes(batches, (b) => archiver.archive(b)))
            if (i === 0) fingerprints.framework = await fingerprint(ctx, table)
            return ms
          } finally {
            await twinflow.stop()
          }
        },
        baseline: async (i) => {
          await (await freshMasterTable(ctx, table)).stop()
          const ms = await timed(() => inLanes(batches, (b) => handWrittenInsert(ctx, table, b)))
          if (i === 0) fingerprints.baseline = await fingerprint(ctx, table)
          return ms
        },
      },
      { log: ctx.log, warmUps: 1 },
    )
    if (fingerprints.framework !== fingerprints.baseline)
      throw new Error(`the archiver and the hand-written insert wrote different rows: ${fingerprints.framework} vs ${fingerprints.baseline}`)
    const perSecond = (ms: number) => (events / ms) * 1000
    const framework = runs.framework.map(perSecond)
    const baseline = runs.baseline.map(perSecond)
    return {
      scenario: 'archive',
      setup: [
        `${events.toLocaleString('en')} events of 256 bytes, ${PARTITIONS} partitions archived concurrently in log batches of ${BATCH} (one JSONEachRow insert each);`,
        `archiver vs hand-written @clickhouse/client insert of the same rows; equal table contents checked (${fingerprints.framework}).`,
      ],
      checks: [
        {
          name: 'rows/s ÷ hand-written insert',
          samples: ratios(framework, baseline),
          unit: '×',
          target: { op: '>=', value: 0.9 },
          figures: { unit: 'rows/s', framework, baseline },
        },
      ],
    }
  },
}

/** Drops the master table and lets a new Twinflow process create it; returns that process (the archiver's runtimes connected). */
async function freshMasterTable(ctx: ScenarioContext, table: string) {
  // The offsets view and the ledger go with it (they would otherwise keep the dropped table's figures).
  for (const view of [masterTableSql.offsetsView(purchases), ledgerSql.view(purchases)]) await ctx.services.clickhouse.command({ query: `DROP TABLE IF EXISTS ${view}` })
  await ctx.services.clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` })
  const twinflow = createTwinflow({ pipeline: purchasesPipeline, config: ctx.services.config() })
  await twinflow.start([], { connect: ['archiver'] })
  return twinflow
}

function purchaseBatches(count: number): LogBatch[][] {
  const now = Date.now()
  return logBatches(purchaseMessages(generatePurchases(count, { seed: 11, from: now - count / 10, to: now })), BATCH, now)
}

/** What a data engineer writes by hand: parse, add the bookkeeping columns, insert. */
async function handWrittenInsert(ctx: ScenarioContext, table: string, batch: LogBatch): Promise<void> {
  const values = batch.records.map((r) => ({ _partition: batch.partition, _offset: r.offset, _error: '', ...JSON.parse(r.value.toString('utf8')) }))
  await ctx.services.clickhouse.insert({ table, values, format: 'JSONEachRow' })
}

/** Row count and an order-independent hash of every column, to compare the two sides. */
async function fingerprint(ctx: ScenarioContext, table: string): Promise<string> {
  const columns = ['_partition', '_offset', '_error', ...Object.keys(purchases.fields)]
  const result = await ctx.services.clickhouse.query({ query: `SELECT count() AS n, sum(cityHash64(${columns.join(', ')})) AS h FROM ${table}`, format: 'JSONEachRow' })
  const [row] = await result.json<{ n: string; h: string }>()
  return `${row!.n} rows, hash ${row!.h}`
}
