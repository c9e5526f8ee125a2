/**
 * Writes the example's sample data (run from this folder: `node --import tsx src/write-sample-files.ts`):
 * data/northshop.sql (the MySQL table and its rows), data/exports/south-2026-11.csv (a CSV export)
 * and data/webhook/west.ndjson (a body for POST /ingest/marketEvents). The files in the repository
 * were written by it; the event times are fixed (November 2026).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { northShopSql } from './north-shop-sql.ts'
import { marketplaceSample } from './sample-data.ts'

const sample = marketplaceSample({
  seed: 2026,
  from: Date.parse('2026-11-01T00:00:00Z'),
  to: Date.parse('2026-12-01T00:00:00Z'),
  orders: 400,
  exports: 300,
  webhooks: 200,
})
mkdirSync('data/exports', { recursive: true })
mkdirSync('data/webhook', { recursive: true })
writeFileSync('data/northshop.sql', northShopSql('northshop', sample.northOrders))
writeFileSync('data/exports/south-2026-11.csv', sample.southCsv)
writeFileSync('data/webhook/west.ndjson', `${sample.westEvents.map((e) => JSON.stringify(e)).join('\n')}\n`)
