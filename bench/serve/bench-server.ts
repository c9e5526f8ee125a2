/**
 * The serve benchmark's server process: the online store (30 days of orders in the batch layer,
 * the current hours in the speed layer, filled by archiver and speed roles that stop before the
 * measures), served twice with the same serving-layer server (same
 * yoga plugins and options): once by Twinflow (merge at the cutoff), once by a schema printed from
 * it whose resolvers return the constant answers. Prints one JSON line when ready.
 *
 *   node --import tsx bench/serve/bench-server.ts [config.json]
 *
 * With a config file (the benchmark passes one pointing at its Kafka, ClickHouse and Redis
 * containers) it runs on those services; without, on the embedded runtimes.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { printSchema, type GraphQLResolveInfo } from 'graphql'
import { createSchema } from 'graphql-yoga'
import { Registry } from 'prom-client'
import { systemClock, TOKENS } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { SPEED_TOKENS } from '@twinflow/speed-layer'
import { generateOrders, onlineStorePipeline, onlineStorePipelineModule } from '@twinflow/example-online-store'
import { BatchPartCache, ReadSession, SERVING_TOKENS, ServingMetrics, ServingServer } from '@twinflow/serving-layer'
import { createTwinflow, parseConfig } from 'twinflow'
import { caughtUp } from '../src/caught-up.ts'
import { benchQueries, ORDERS_TOPIC } from './bench-queries.ts'

const DAY = 86_400_000
const now = Date.now()
const configFile = process.argv[2]
const config = configFile
  ? parseConfig({
      ...JSON.parse(readFileSync(configFile, 'utf8')),
      // This process runs the online store (the benchmark's config names its purchases pipeline).
      pipeline: onlineStorePipelineModule,
      serving: { port: 0, host: '127.0.0.1', graphiql: false, accessLog: false },
      log: { level: 'warn' },
    })
  : parseConfig({ serving: { port: 0, graphiql: false, accessLog: false }, log: { level: 'warn' } }, { dataDir: mkdtempSync(join(tmpdir(), 'twinflow-bench-')) })
// Setting up: an archiver and speed process fills both layers and publishes a batch run; then it
// stops and the serving role runs alone in this process, as deployed (one role per process).
const setup = createTwinflow({ pipeline: onlineStorePipeline, config })
await setup.start(['archiver', 'speed'], { connect: ['batch'] })
const log = setup.get(TOKENS.EventLog)
const toMessages = (orders: object[]) => orders.map((o) => ({ value: Buffer.from(JSON.stringify(o)) }))
await log.produce(ORDERS_TOPIC, toMessages(generateOrders(30_000, { seed: 1, from: now - 30 * DAY, to: now - 10 * 60_000 })))
const runs = await setup.get(BATCH_TOKENS.Runner).runAll()
if (!runs.every((r) => r.status === 'succeeded')) throw new Error(`batch runs failed: ${JSON.stringify(runs)}`)
await caughtUp(setup)
// As in production after a publish: the speed layer drops its windows below the new cutoffs.
await setup.get(SPEED_TOKENS.Worker).refreshCutoffs()
await log.produce(ORDERS_TOPIC, toMessages(generateOrders(2_000, { seed: 2, from: now - 10 * 60_000, to: now + 60 * 60_000 })))
await caughtUp(setup)
await setup.stop()

const twinflow = createTwinflow({ pipeline: onlineStorePipeline, config })
await twinflow.start(['serve'])
const queries = benchQueries(now)
const answers: Record<string, unknown>[] = []
for (const { query } of queries) {
  const res = await fetch(twinflow.url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown }
  if (body.errors || !body.data) throw new Error(`benchmark query failed: ${JSON.stringify(body.errors)}`)
  answers.push(body.data)
}

// The constant server: the same schema (printed), resolvers that return the answers above.
const real = twinflow.get(SERVING_TOKENS.Server)
const constants = Object.assign({}, ...answers) as Record<string, unknown>
const answerOfAlias = (_root: unknown, _args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => constants[String(info.path.key)]
const schema = createSchema({
  typeDefs: printSchema(real.schema),
  resolvers: { Query: { shopRevenue: answerOfAlias, shopRevenueTop: answerOfAlias } },
})
const constant = new ServingServer(
  {
    schema,
    logger: twinflow.logger,
    metrics: new ServingMetrics(new Registry(), new BatchPartCache()),
    clock: systemClock,
    authenticator: null,
    // The same per-request reads object as the real server (never used by constant resolvers).
    newSession: () =>
      new ReadSession({
        pipeline: onlineStorePipeline,
        reader: twinflow.get(SERVING_TOKENS.ViewReader),
        batch: twinflow.get(TOKENS.BatchEngine),
        realtime: twinflow.get(TOKENS.RealtimeStore),
        log: twinflow.get(TOKENS.EventLog),
        clock: systemClock,
        speedGroupId: 'twinflow-speed',
      }),
  },
  twinflow.get(SERVING_TOKENS.Options),
)
const constantHttp = createServer((req, res) => constant.handle(req, res))
await new Promise<void>((listening) => constantHttp.listen(0, '127.0.0.1', listening))
const constantUrl = `http://127.0.0.1:${(constantHttp.address() as { port: number }).port}${constant.path}`
// Both servers must give the same answers, or the comparison means nothing.
for (const [i, { query }] of queries.entries()) {
  const res = await fetch(constantUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
  if (JSON.stringify(await res.json()) !== JSON.stringify({ data: answers[i] })) throw new Error(`the constant server answers query ${i} differently`)
}
const rows = answers.map((a) => JSON.stringify(a).length)
console.log(JSON.stringify({ ready: true, twinflow: twinflow.url, constant: constantUrl, queries: queries.map((q) => q.name), responseBytes: rows, now }))

process.once('SIGTERM', () => {
  void Promise.all([new Promise((closed) => constantHttp.close(closed)), twinflow.stop()]).then(() => process.exit(0))
})
