/**
 * The process the embedded-memory scenario measures: one Twinflow process with every role on the
 * embedded runtimes (the log given by argv, chdb, the in-process store), its ingest role running
 * the generator source for `events` orders spread over six past months. Once every event is in the
 * log, applied by the speed layer, archived and recomputed by a batch run of every view, and a
 * six-month query answered (the example's views and a count of orders per day), it prints one JSON line: the peak RSS (VmHWM), and the V8 heap and external memory at the highest RSS sampled.
 * argv[2]: JSON `{ events, eventLog: 'local' | 'memory', dataDir }`.
 */
import { readFileSync } from 'node:fs'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { count, definePipeline, defineView, TOKENS } from '@twinflow/core'
import { onlineStorePipeline, orders, pageViews } from '@twinflow/example-online-store'
import { createTwinflow, parseConfig } from 'twinflow'
import { caughtUp } from './caught-up.ts'

const { events, eventLog, dataDir, trace = false } = JSON.parse(process.argv[2]!) as { events: number; eventLog: 'local' | 'memory'; dataDir: string; trace?: boolean }
const MB = 1024 * 1024
const HOURS = 24 * 182

/** A field of /proc/self/status in bytes (VmRSS, VmHWM). */
function status(field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`))
  return Number(line!.split(/\s+/)[1]) * 1024
}

/** Every order per day: the check that nothing was lost or doubled (the example's views filter or derive). */
const ordersPerDay = defineView('ordersPerDay', orders, { groupBy: () => ({}), window: '1d', measures: () => ({ orders: count() }) })
const pipeline = definePipeline({ streams: [orders, pageViews], views: [...onlineStorePipeline.views, ordersPerDay] })

const twinflow = createTwinflow({
  pipeline,
  config: parseConfig(
    {
      ...(eventLog === 'memory' ? { runtimes: { eventLog: { plugin: 'memory' } } } : {}),
      sources: [
        {
          plugin: 'generator',
          name: 'generate-orders',
          options: { stream: orders.name, backfillEvents: events, backfillHours: HOURS, maxEvents: events, ratePerSecond: 0, cardinality: 200, seed: 3 },
        },
      ],
      // As `twinflow dev` runs the example: a batch run every minute, which lets the speed layer drop what it covers.
      batch: { schedule: '* * * * *' },
      serving: { port: 0, host: '127.0.0.1', accessLog: false },
      log: { level: 'warn' },
    },
    { dataDir },
  ),
})
const started = Date.now()
await twinflow.start(['ingest', 'archiver', 'speed', 'batch', 'serve'])
const rssAtStart = status('VmRSS')
/** Where the memory was at the highest RSS sampled: the V8 heap, buffers outside it, and the rest (native: chdb, thread stacks, code). */
let atPeak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, phase: '', second: 0 }
/** What the process is doing: the phase the peak fell in says what to look at. */
let phase = 'ingest'
let samples = 0
const sampler = setInterval(() => {
  samples++
  const usage = process.memoryUsage()
  const second = Math.round((Date.now() - started) / 1000)
  if (usage.rss > atPeak.rss) atPeak = { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, phase, second }
  if (trace && samples % 40 === 0)
    process.stderr.write(`memory ${second} s ${phase}: rss ${(usage.rss / MB).toFixed(0)} MB, heap ${(usage.heapUsed / MB).toFixed(0)}/${(usage.heapTotal / MB).toFixed(0)} MB\n`)
}, 250)

const log = twinflow.get(TOKENS.EventLog)
for (;;) {
  let total = 0
  for (const end of (await log.endOffsets(orders.topic)).values()) total += end
  if (total >= events) break
  await new Promise((r) => setTimeout(r, 250))
}
const ingestedMs = Date.now() - started
phase = 'catch-up'
await caughtUp(twinflow, 600_000)
phase = 'batch'
for (const view of pipeline.views) {
  const run = await twinflow.get(BATCH_TOKENS.Runner).runView(view.name)
  if (run.status !== 'succeeded') throw new Error(`the batch run of ${view.name} failed: ${run.error}`)
}
// The backfill reaches HOURS back from the source's start: the range covers it with a day to spare.
const from = new Date(started - (HOURS + 24) * 3_600_000).toISOString()
const to = new Date(Date.now() + 3_600_000).toISOString()
phase = 'query'
const res = await fetch(twinflow.url!, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query: `{ ordersPerDay(from: "${from}", to: "${to}", limit: 10000) { pageInfo { hasNextPage } rows { orders } } }` }),
})
const body = (await res.json()) as {
  errors?: unknown
  data: { ordersPerDay: { pageInfo: { hasNextPage: boolean }; rows: { orders: number }[] } }
}
if (body.errors) throw new Error(`the six-month query failed: ${JSON.stringify(body.errors)}`)
if (body.data.ordersPerDay.pageInfo.hasNextPage) throw new Error('the six-month answer has more than one page')
const counted = body.data.ordersPerDay.rows.reduce((n, r) => n + r.orders, 0)
clearInterval(sampler)
const result = {
  peakRss: status('VmHWM') / MB,
  rssAtStart: rssAtStart / MB,
  rssAtEnd: status('VmRSS') / MB,
  atPeak: { ...atPeak, rss: atPeak.rss / MB, heapUsed: atPeak.heapUsed / MB, heapTotal: atPeak.heapTotal / MB, external: atPeak.external / MB },
  ingestedMs,
  totalMs: Date.now() - started,
  counted,
  samples,
}
await twinflow.stop()
process.stdout.write(`${JSON.stringify(result)}\n`)
