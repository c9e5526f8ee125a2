import mysql from 'mysql2'
import pg from 'pg'
import { createJsonLogger, END_OF_INPUT, systemClock } from '@twinflow/core'
import { e2eEnvironment } from '@twinflow/e2e/environment'
import { MariadbContainer, PostgresContainer, type StartedMariadbContainer, type StartedPostgresContainer } from '@twinflow/e2e/containers'
import { KafkaEventLog, parseKafkaOptions } from '@twinflow/plugin-kafka'
import { MemoryDeadLetterQueue } from '@twinflow/plugin-memory'
import { connectionSettingsOf, MysqlClient, parseSqlSourceOptions, PostgresClient, SqlSource } from '@twinflow/plugin-sql'
import { IngestRunner } from 'twinflow'
import { alternate } from '../src/alternate.ts'
import { generatePurchases, type Purchase } from '../src/generate-purchases.ts'
import { timed } from '../src/in-lanes.ts'
import { purchases, purchasesPipeline } from '../src/purchases.ts'
import type { Check, Scenario, ScenarioContext } from '../src/scenario.ts'
import { ratios } from '../src/stats.ts'

const TABLE = 'bench_purchases'
const PAGE = 2000
const FIELDS = Object.keys(purchases.fields) as (keyof Purchase)[]
type Server = 'postgres' | 'mariadb'

/**
 * sql-source: rows/s of the `sql` source (keyset pages by `id`, PAGE rows each, the records
 * converted, checkpoint per page) against a plain SELECT loop of the same keyset pages with the
 * same client library (`pg`, `mysql2`) and its default conversions, over the same table, on
 * PostgreSQL 15 and MariaDB 10.11 (containers of the e2e images, started by the scenario).
 * Measured three ways: the source's read path alone (read and ack every batch: what the source costs),
 * and the full ingest path (IngestRunner: the source, the mapping-free validation of each record,
 * the append to the bench's Kafka topic with the checkpoint; the source reads ahead, so the next
 * page is read and checked while the previous one is produced), and that path again with the
 * read-ahead hidden (each page read once the previous one is in Kafka), side by side. The target
 * (≥ 0.7) is judged on the read path: the ingest path's extra time is validation and Kafka's, the same for every source,
 * measured by other scenarios; its ratio is reported as a reference. Both sides must read every row.
 */
export const sqlSourceScenario: Scenario = {
  name: 'sql-source',
  async run(ctx: ScenarioContext) {
    const rows = ctx.quick ? 100_000 : 400_000
    await ctx.services.reset()
    const env = await e2eEnvironment(['TWINFLOW_POSTGRES_IMAGE', 'TWINFLOW_MARIADB_IMAGE'])
    if (env.skip) throw new Error('the sql-source scenario needs the PostgreSQL and MariaDB images')
    const events = generatePurchases(rows, { seed: 31, from: Date.now() - 30 * 86_400_000, to: Date.now() - 86_400_000 })
    const started = await Promise.allSettled([new PostgresContainer(env.images.TWINFLOW_POSTGRES_IMAGE).start(), new MariadbContainer(env.images.TWINFLOW_MARIADB_IMAGE).start()])
    try {
      const failed = started.find((s) => s.status === 'rejected')
      if (failed) throw (failed as PromiseRejectedResult).reason
      const [postgres, mariadb] = started.map((s) => (s as PromiseFulfilledResult<StartedPostgresContainer | StartedMariadbContainer>).value) as [
        StartedPostgresContainer,
        StartedMariadbContainer,
      ]
      ctx.log(`  filling ${TABLE} with ${rows.toLocaleString('en')} purchases in PostgreSQL and MariaDB`)
      await fillPostgres(postgres.getUrl(), events)
      await fillMariadb(mariadb.getUrl(), events)
      const kafkaLog = new KafkaEventLog(parseKafkaOptions({ ...ctx.services.kafkaContainer.getClientOptions(), clientId: 'bench-sql' }), createJsonLogger({ level: 'error' }))
      await kafkaLog.connect()
      const checks: Check[] = []
      const setup: string[] = [
        `a table of ${rows.toLocaleString('en')} purchases (id bigint primary key, the stream's 10 fields, ts a time with a zone) in PostgreSQL 15 and MariaDB 10.11; pages of ${PAGE} rows by id;`,
        'read path: the sql source, every batch read and acked (records converted, checkpoint per page) vs a plain SELECT … WHERE id > $last ORDER BY id LIMIT n loop with the same client (pg / mysql2, their default conversions);',
        'ingest path: IngestRunner with the sql source into the Kafka topic of the bench (validation, one produce per page with its checkpoint; the next page read and checked while the previous one is produced), against the same SELECT loop; and the same without read-ahead (the source read only once its previous page is in Kafka). Target judged on the read path.',
      ]
      try {
        let runs = 0
        for (const [server, url] of [
          ['postgres', postgres.getUrl()],
          ['mariadb', mariadb.getUrl()],
        ] as const) {
          const samples = await alternate(
            ctx.repeats,
            {
              source: () => timed(async () => expectRows(await readWithSource(url), rows)),
              select: () => timed(async () => expectRows(await plainSelectLoop(server, url), rows)),
              ingest: () =>
                timed(async () => {
                  const before = await logged(kafkaLog)
                  await ingestWithSource(url, kafkaLog, `bench-sql-${server}-${++runs}`)
                  expectRows((await logged(kafkaLog)) - before, rows)
                }),
              serial: () =>
                timed(async () => {
                  const before = await logged(kafkaLog)
                  await ingestWithSource(url, kafkaLog, `bench-sql-${server}-${++runs}`, false)
                  expectRows((await logged(kafkaLog)) - before, rows)
                }),
            },
            { log: ctx.log, warmUps: 1 },
          )
          const perSecond = (ms: number) => (rows / ms) * 1000
          const select = samples.select.map(perSecond)
          const source = samples.source.map(perSecond)
          const ingest = samples.ingest.map(perSecond)
          const serial = samples.serial.map(perSecond)
          const name = server === 'postgres' ? 'PostgreSQL' : 'MariaDB'
          checks.push(
            {
              name: `${name}: source rows/s ÷ SELECT loop (read path)`,
              samples: ratios(source, select),
              unit: '×',
              target: { op: '>=', value: 0.7 },
              figures: { unit: 'rows/s', framework: source, baseline: select },
            },
            {
              name: `${name}: ingest into Kafka rows/s ÷ SELECT loop (reference)`,
              samples: ratios(ingest, select),
              unit: '×',
              target: null,
              figures: { unit: 'rows/s', framework: ingest, baseline: select },
            },
            {
              name: `${name}: ingest, no read-ahead (each page read after the last is in Kafka) ÷ SELECT loop (reference)`,
              samples: ratios(serial, select),
              unit: '×',
              target: null,
              figures: { unit: 'rows/s', framework: serial, baseline: select },
            },
          )
        }
      } finally {
        await kafkaLog.close()
      }
      return { scenario: 'sql-source', setup, checks }
    } finally {
      await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : null)))
    }
  },
}

function expectRows(got: number, want: number): void {
  if (got !== want) throw new Error(`read ${got} rows of ${want}`)
}

async function logged(log: KafkaEventLog): Promise<number> {
  return [...(await log.endOffsets(purchases.topic)).values()].reduce((a, b) => a + b, 0)
}

function source(url: string, name = 'bench-sql'): SqlSource {
  const options = parseSqlSourceOptions({ stream: purchases.name, url, table: TABLE, cursor: { column: 'id' }, batchSize: PAGE, poll: 'once' })
  const settings = connectionSettingsOf(options)
  const connect = options.driver === 'postgres' ? () => PostgresClient.connect(settings) : () => MysqlClient.connect(settings)
  return new SqlSource(name, options, { connect, clock: systemClock, logger: createJsonLogger({ level: 'error' }) })
}

/** The source's read path: connect, read and ack every batch. */
async function readWithSource(url: string): Promise<number> {
  const s = source(url)
  await s.connect(null)
  let n = 0
  try {
    for (;;) {
      const batch = await s.read(new AbortController().signal)
      if (batch === END_OF_INPUT) return n
      n += batch.messages.length
      await batch.ack({ accepted: batch.messages.length, rejected: [] })
    }
  } finally {
    await s.close()
  }
}

/** The baseline: the client library's plain keyset loop, its default row objects. */
async function plainSelectLoop(server: Server, url: string): Promise<number> {
  let n = 0
  let last = 0
  if (server === 'postgres') {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      for (;;) {
        const { rows } = await client.query(`SELECT * FROM ${TABLE} WHERE id > $1 ORDER BY id LIMIT ${PAGE}`, [last])
        if (rows.length === 0) return n
        n += rows.length
        last = Number(rows[rows.length - 1].id)
      }
    } finally {
      await client.end()
    }
  }
  const connection = mysql.createConnection({ uri: url })
  const query = (sql: string, values: unknown[]) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) =>
      connection.query(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as Record<string, unknown>[]))),
    )
  try {
    for (;;) {
      const rows = await query(`SELECT * FROM ${TABLE} WHERE id > ? ORDER BY id LIMIT ${PAGE}`, [last])
      if (rows.length === 0) return n
      n += rows.length
      last = Number(rows[rows.length - 1]!.id)
    }
  } finally {
    connection.end()
  }
}

/** The full ingest path: IngestRunner with the source (a new name: from the start), into the Kafka topic; `readAhead: false` hides the source's read-ahead. */
async function ingestWithSource(url: string, log: KafkaEventLog, name: string, readAhead = true): Promise<void> {
  const logger = createJsonLogger({ level: 'error' })
  const dlq = new MemoryDeadLetterQueue({}, { logger })
  await dlq.connect()
  try {
    const s = source(url, name)
    if (!readAhead) Object.defineProperty(s, 'readAhead', { value: false })
    const runner = new IngestRunner([s], log, dlq, purchasesPipeline, systemClock, logger, new Map(), (error) => {
      throw error
    })
    runner.start()
    await runner.finished()
  } finally {
    await dlq.close()
  }
}

async function fillPostgres(url: string, events: readonly Purchase[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`)
    // The stream's field names (quoted: camelCase), so that the records need no mapping.
    const columns = FIELDS.map((f) => `"${f}" ${f === 'ts' ? 'timestamptz(3)' : f === 'amountCents' || f === 'quantity' ? 'bigint' : 'text'}`)
    await client.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, ${columns.join(', ')})`)
    for (let i = 0; i < events.length; i += 5000) {
      const chunk = events.slice(i, i + 5000)
      const casts = FIELDS.map((f, k) => `$${k + 2}::${f === 'ts' ? 'timestamptz' : f === 'amountCents' || f === 'quantity' ? 'bigint' : 'text'}[]`)
      await client.query(`INSERT INTO ${TABLE} SELECT * FROM unnest($1::bigint[], ${casts.join(', ')})`, [
        chunk.map((_, k) => i + k + 1),
        ...FIELDS.map((f) => chunk.map((e) => (f === 'ts' ? new Date(e.ts).toISOString() : e[f]))),
      ])
    }
    await client.query(`VACUUM ANALYZE ${TABLE}`)
  } finally {
    await client.end()
  }
}

async function fillMariadb(url: string, events: readonly Purchase[]): Promise<void> {
  const connection = mysql.createConnection({ uri: url })
  const query = (sql: string, values: unknown[] = []) => new Promise<void>((resolve, reject) => connection.query(sql, values, (error) => (error ? reject(error) : resolve())))
  try {
    await query("SET time_zone = '+00:00'")
    await query(`DROP TABLE IF EXISTS ${TABLE}`)
    const columns = FIELDS.map((f) => `\`${f}\` ${f === 'ts' ? 'timestamp(3) NULL' : f === 'amountCents' || f === 'quantity' ? 'bigint' : 'varchar(255)'}`)
    await query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, ${columns.join(', ')})`)
    for (let i = 0; i < events.length; i += 5000) {
      const chunk = events.slice(i, i + 5000)
      await query(`INSERT INTO ${TABLE} VALUES ?`, [
        chunk.map((e, k) => [i + k + 1, ...FIELDS.map((f) => (f === 'ts' ? new Date(e.ts).toISOString().replace('T', ' ').replace('Z', '') : e[f]))]),
      ])
    }
    await query(`ANALYZE TABLE ${TABLE}`)
  } finally {
    connection.end()
  }
}
