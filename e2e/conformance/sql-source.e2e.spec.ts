import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineStream, definePipeline, END_OF_INPUT, systemClock, t, TwinflowError, type Logger, type SourceBatch } from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryEventLog } from '@twinflow/plugin-memory'
import { connectionSettingsOf, MysqlClient, parseSqlSourceOptions, PostgresClient, SqlSource } from '@twinflow/plugin-sql'
import { sourceConformance } from '@twinflow/testing/conformance'
import { IngestRunner } from 'twinflow'
import { MariadbContainer, PostgresContainer, type StartedMariadbContainer, type StartedPostgresContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'

// The sql source on PostgreSQL 15 and MariaDB 10.11: the source conformance suite over a table
// whose cursor (updated_at) repeats across page boundaries (the tie-breaker decides), then the
// conversions, NULL cursors, late commits, broken connections, refused options and dead letters.
const env = await e2eEnvironment(['TWINFLOW_POSTGRES_IMAGE', 'TWINFLOW_MARIADB_IMAGE'])

const ROWS = 2500
const BASE_US = Date.UTC(2026, 0, 1) * 1000
/** Row i's updated_at in microseconds: 40 rows share each value; the values have microseconds. */
const timeOf = (i: number) => BASE_US + Math.floor(i / 40) * 1_000_123
const micros = (us: number) => {
  const iso = new Date(Math.floor(us / 1000)).toISOString()
  return { head: iso.slice(0, 19), fraction: String(us % 1_000_000).padStart(6, '0') }
}
/** The record's time as each server writes it: PostgreSQL drops trailing zeros of the fraction, MariaDB's TIMESTAMP(6) keeps six digits. */
const isoOf = (server: Server, us: number) => {
  const { head, fraction } = micros(us)
  if (server === 'mariadb') return `${head}.${fraction}Z`
  const trimmed = fraction.replace(/0+$/, '')
  return trimmed === '' ? `${head}Z` : `${head}.${trimmed}Z`
}
const sqlTime = (us: number) => {
  const { head, fraction } = micros(us)
  return `${head.replace('T', ' ')}.${fraction}`
}

type Server = 'postgres' | 'mariadb'

interface Db {
  server: Server
  url: string
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** A second connection, for transactions held open. */
  session(): Promise<{ exec(sql: string, params?: unknown[]): Promise<unknown>; close(): Promise<void> }>
  close(): Promise<void>
}

async function openDb(server: Server, url: string): Promise<Db> {
  if (server === 'postgres') {
    const session = async () => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      return { exec: (sql: string, params: unknown[] = []) => c.query(sql, params), close: () => c.end() }
    }
    const main = new pg.Client({ connectionString: url })
    await main.connect()
    return { server, url, exec: async (sql, params = []) => (await main.query(sql, params)).rows, session, close: () => main.end() }
  }
  const session = async () => {
    const c = await mysql.createConnection({ uri: url, timezone: 'Z' })
    await c.query("SET time_zone = '+00:00'")
    return { exec: (sql: string, params: unknown[] = []) => c.query(sql, params), close: () => c.end() }
  }
  const main = await mysql.createConnection({ uri: url, multipleStatements: true })
  await main.query("SET time_zone = '+00:00'")
  return { server, url, exec: async (sql, params = []) => (await main.query(sql, params))[0] as Record<string, unknown>[], session, close: () => main.end() }
}

const DDL = {
  postgres: (table: string) => `CREATE TABLE ${table} (id bigint PRIMARY KEY, updated_at timestamptz(6), shop text, cents bigint)`,
  mariadb: (table: string) => `CREATE TABLE ${table} (id bigint PRIMARY KEY, updated_at timestamp(6) NULL, shop varchar(64), cents bigint, KEY (updated_at, id))`,
}

/** The records of the filled table, as each server's rows become them. */
const expectedRecords = (server: Server) =>
  Array.from({ length: ROWS }, (_, k) => k + 1).map((i) => JSON.stringify({ id: i, updated_at: isoOf(server, timeOf(i)), shop: `shop-${i % 7}`, cents: i * 100 }))

async function fill(db: Db, table: string, rows: number): Promise<void> {
  await db.exec(DDL[db.server](table))
  if (db.server === 'postgres') await db.exec(`CREATE INDEX ON ${table} (updated_at, id)`)
  for (let from = 1; from <= rows; from += 500) {
    const values: unknown[] = []
    const tuples: string[] = []
    for (let i = from; i < Math.min(from + 500, rows + 1); i++) {
      const b = values.length
      tuples.push(db.server === 'postgres' ? `($${b + 1}, $${b + 2}::timestamptz, $${b + 3}, $${b + 4})` : '(?, ?, ?, ?)')
      values.push(i, db.server === 'postgres' ? `${sqlTime(timeOf(i))}+00` : sqlTime(timeOf(i)), `shop-${i % 7}`, i * 100)
    }
    await db.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES ${tuples.join(', ')}`, values)
  }
}

/** A logger that keeps what it is told (to check warnings). */
function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = []
  const make = (): Logger => ({
    debug: () => {},
    info: (message, fields) => void lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => void lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => void lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
    child: () => make(),
  })
  return Object.assign(make(), { lines })
}

function sqlSource(db: Db, options: Record<string, unknown>, logger: Logger = recordingLogger(), name = 'orders-table') {
  const parsed = parseSqlSourceOptions({ stream: 'orders', url: db.url, ...options })
  const settings = connectionSettingsOf(parsed)
  const connect = parsed.driver === 'postgres' ? () => PostgresClient.connect(settings) : () => MysqlClient.connect(settings)
  return new SqlSource(name, parsed, { connect, clock: systemClock, logger })
}

async function readAll(source: SqlSource, checkpoint: string | null = null): Promise<{ records: Record<string, unknown>[]; checkpoint: string | null }> {
  await source.connect(checkpoint)
  const records: Record<string, unknown>[] = []
  let last = checkpoint
  for (;;) {
    const batch = (await source.read(new AbortController().signal)) as SourceBatch | typeof END_OF_INPUT
    if (batch === END_OF_INPUT) break
    for (const m of batch.messages) if ('record' in m) records.push(m.record)
    await batch.ack({ accepted: batch.messages.length, rejected: [] })
    last = batch.checkpoint ?? last
  }
  return { records, checkpoint: last }
}

for (const server of ['postgres', 'mariadb'] as const) {
  const image = server === 'postgres' ? env.images.TWINFLOW_POSTGRES_IMAGE : env.images.TWINFLOW_MARIADB_IMAGE
  describe.skipIf(env.skip)(`sql source on ${image}`, { timeout: 120_000 }, () => {
    let container: StartedPostgresContainer | StartedMariadbContainer | undefined
    let db: Db
    beforeAll(async () => {
      container = await (server === 'postgres' ? new PostgresContainer(image).start() : new MariadbContainer(image).start())
      db = await openDb(server, container.getUrl())
      await fill(db, 'conformance_rows', ROWS)
      await db.exec(DDL[server]('empty_rows'))
    }, 180_000)
    afterAll(async () => {
      await db?.close()
      await container?.stop()
    })

    // Pages of 300 over runs of 40 equal updated_at values: most page boundaries fall inside a run.
    sourceConformance(`sql (${server})`, {
      open: () => sqlSource(db, { table: 'conformance_rows', cursor: { column: 'updated_at', tieBreaker: 'id' }, batchSize: 300, poll: 'once' }),
      expected: expectedRecords(server),
      openIdle: () => sqlSource(db, { table: 'empty_rows', cursor: { column: 'id' }, poll: { intervalMs: 50 } }),
    })

    it('reads an id cursor and a query with a {{cursor}} condition alike', async () => {
      const byId = await readAll(sqlSource(db, { table: 'conformance_rows', cursor: { column: 'id' }, batchSize: 777, poll: 'once' }))
      expect(byId.records.map((r) => r.id)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1))
      const query = await readAll(
        sqlSource(db, {
          query: "SELECT r.id, r.updated_at, r.cents FROM conformance_rows r WHERE r.shop = 'shop-3' AND {{cursor}}",
          cursor: { column: 'r.updated_at', tieBreaker: 'r.id' },
          batchSize: 50,
          poll: 'once',
        }),
      )
      expect(query.records.map((r) => r.id)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1).filter((i) => i % 7 === 3))
      expect(Object.keys(query.records[0]!)).toEqual(['id', 'updated_at', 'cents'])
    })

    it('converts values without loss: big integers, decimals, times with and without a zone, dates, binary, booleans, JSON, NULL', async () => {
      if (server === 'postgres') {
        await db.exec(
          'CREATE TABLE typed (id int PRIMARY KEY, big bigint, small_dec numeric(12,2), huge_dec numeric(30,10), at timestamptz, local_at timestamp(3), day date, bytes bytea, flag boolean, doc jsonb, nothing text)',
        )
        await db.exec(
          "INSERT INTO typed VALUES (1, 9223372036854775807, 12.50, 12345678901234567890.0123456789, '2026-03-01 12:00:00.5+07', '2026-03-01 12:00:00.25', '2026-03-01', '\\x00ff10', true, '{\"a\": [1, 2]}', NULL), (2, 42, -0.01, 1, '2026-03-01 00:00:00+00', '2026-03-01 00:00:00', '1999-12-31', '', false, 'null', 'x')",
        )
      } else {
        await db.exec(
          'CREATE TABLE typed (id int PRIMARY KEY, big bigint, small_dec decimal(12,2), huge_dec decimal(30,10), at timestamp(6) NULL, local_at datetime(3), day date, bytes varbinary(16), flag boolean, doc json, nothing text, bits bit(9))',
        )
        await db.exec(
          "INSERT INTO typed VALUES (1, 9223372036854775807, 12.50, 12345678901234567890.0123456789, '2026-03-01 05:00:00.5', '2026-03-01 12:00:00.25', '2026-03-01', X'00ff10', true, '{\"a\": [1, 2]}', NULL, b'100000001'), (2, 42, -0.01, 1, '2026-03-01 00:00:00', '2026-03-01 00:00:00', '1999-12-31', X'', false, 'null', 'x', b'0')",
        )
      }
      const { records } = await readAll(sqlSource(db, { table: 'typed', cursor: { column: 'id' }, poll: 'once' }))
      const common = {
        id: 1,
        big: '9223372036854775807',
        small_dec: 12.5,
        huge_dec: '12345678901234567890.0123456789',
        local_at: '2026-03-01T12:00:00.250',
        day: '2026-03-01',
        bytes: Buffer.from([0, 255, 16]).toString('base64'),
        flag: true,
        nothing: null,
      }
      if (server === 'postgres') {
        expect(records[0]).toEqual({ ...common, at: '2026-03-01T05:00:00.5Z', local_at: '2026-03-01T12:00:00.25', doc: { a: [1, 2] } })
        expect(records[1]).toMatchObject({ big: 42, small_dec: -0.01, huge_dec: 1, at: '2026-03-01T00:00:00Z', bytes: '', flag: false, doc: null })
      } else {
        expect(records[0]).toEqual({ ...common, at: '2026-03-01T05:00:00.500000Z', doc: { a: [1, 2] }, bits: 257 })
        expect(records[1]).toMatchObject({
          big: 42,
          small_dec: -0.01,
          huge_dec: 1,
          at: '2026-03-01T00:00:00.000000Z',
          local_at: '2026-03-01T00:00:00.000',
          flag: false,
          doc: null,
          bits: 0,
        })
      }
      // Times with a zone are event times as they are; without one they need the mapping's zone.
      expect(Date.parse(records[0]!.at as string)).toBe(Date.parse('2026-03-01T05:00:00.500Z'))
    })

    it('never reads rows whose cursor is NULL, and says how many there are', async () => {
      await db.exec(DDL[server]('with_nulls'))
      await db.exec(
        "INSERT INTO with_nulls (id, updated_at, shop, cents) VALUES (1, '2026-01-01 00:00:01', 'a', 1), (2, NULL, 'b', 2), (3, '2026-01-01 00:00:02', 'c', 3), (4, NULL, 'd', 4)",
      )
      const logger = recordingLogger()
      const { records } = await readAll(sqlSource(db, { table: 'with_nulls', cursor: { column: 'updated_at', tieBreaker: 'id' }, poll: 'once' }, logger))
      expect(records.map((r) => r.id)).toEqual([1, 3])
      expect(logger.lines).toContainEqual({ level: 'warn', message: 'rows with a NULL cursor column are never read', fields: { rows: 2, cursor: ['updated_at', 'id'] } })
    })

    it('a broken connection is a retriable error, and the next read connects again', async () => {
      const source = sqlSource(db, { table: 'conformance_rows', cursor: { column: 'id' }, batchSize: 1000, poll: 'once' })
      await source.connect(null)
      const first = (await source.read(new AbortController().signal)) as SourceBatch
      await first.ack({ accepted: 1000, rejected: [] })
      if (server === 'postgres') await db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'twinflow'")
      else {
        const ids = await db.exec("SELECT id FROM information_schema.processlist WHERE user = 'twinflow' AND id <> CONNECTION_ID()")
        for (const { id } of ids) await db.exec(`KILL ${Number(id)}`)
      }
      // The next reads fail retriably (the runner retries them) until one connects again; none skips or repeats a row.
      let again: SourceBatch | null = null
      for (let attempt = 0; again === null && attempt < 3; attempt++) {
        again = await source.read(new AbortController().signal).then(
          (batch) => batch as SourceBatch,
          (error: unknown) => {
            expect(TwinflowError.is(error, 'unavailable'), String(error)).toBe(true)
            return null
          },
        )
      }
      if (again === null) throw new Error('the source did not connect again')
      expect(again.messages.map((m) => ('record' in m ? m.record.id : null))[0]).toBe(1001)
      await source.close()
    })

    it('refuses what the server refuses with a config error that names the option, and an unreachable server as unavailable', async () => {
      const wrongTable = sqlSource(db, { table: 'no_such_table', cursor: { column: 'id' } })
      await expect(wrongTable.connect(null)).rejects.toThrow(/check "table"/)
      const wrongColumn = sqlSource(db, { table: 'conformance_rows', cursor: { column: 'changed_at' } })
      await expect(wrongColumn.connect(null)).rejects.toThrow(/check "cursor" and "columns"|has no column "changed_at"/)
      const lagOnId = sqlSource(db, { table: 'conformance_rows', cursor: { column: 'id', safetyLagMs: 1000 } })
      await expect(lagOnId.connect(null)).rejects.toThrow('cursor.safetyLagMs: needs a timestamp cursor column, and "id" is not one')
      const wrongPassword = sqlSource({ ...db, url: db.url.replace(':twinflow@', ':wrong@') }, { table: 'conformance_rows', cursor: { column: 'id' } })
      const refused = await wrongPassword.connect(null).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(refused, 'config'), String(refused)).toBe(true)
      expect(String(refused)).toMatch(/check "user" and "password"/)
      const down = sqlSource({ ...db, url: db.url.replace(/:(\d+)\//, ':1/') }, { table: 'conformance_rows', cursor: { column: 'id' }, connectTimeoutMs: 2000 })
      const unreachable = await down.connect(null).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(unreachable, 'unavailable'), String(unreachable)).toBe(true)
      for (const s of [wrongTable, wrongColumn, lagOnId, wrongPassword, down]) await s.close()
    })

    it('a transaction that commits after a later one: the rule of each server', async () => {
      const table = 'late_rows'
      await db.exec(DDL[server](table))
      const now = server === 'postgres' ? 'now()' : 'NOW(6)'
      const slow = await db.session()
      const fast = await db.session()
      try {
        await slow.exec(server === 'postgres' ? 'BEGIN' : 'START TRANSACTION')
        await slow.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (1, ${now}, 'slow', 1)`)
        await new Promise((r) => setTimeout(r, 50))
        await fast.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (2, ${now}, 'fast', 2)`)
        if (server === 'postgres') {
          // No lag: the fast row is read and checkpointed first; the slow one, committed after with an
          // older updated_at, is found by the late-row check on the next page and read then, once.
          const logger = recordingLogger()
          const source = sqlSource(db, { table, cursor: { column: 'updated_at', tieBreaker: 'id' }, poll: { intervalMs: 20 } }, logger)
          await source.connect(null)
          const first = (await source.read(new AbortController().signal)) as SourceBatch
          expect(first.messages.map((m) => ('record' in m ? m.record.id : null))).toEqual([2])
          await first.ack({ accepted: 1, rejected: [] })
          await slow.exec('COMMIT')
          await fast.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (3, ${now}, 'after', 3)`)
          const second = (await source.read(new AbortController().signal)) as SourceBatch
          expect(second.messages.map((m) => ('record' in m ? m.record.id : null))).toEqual([3, 1])
          expect(second.messages[1]!.position).toMatch(/^updated_at=.*, id=1$/)
          await second.ack({ accepted: 2, rejected: [] })
          expect(source.lateRows).toBe(1)
          expect(logger.lines.find((l) => l.message.startsWith('rows committed after a page'))?.fields).toMatchObject({ rows: 1, total: 1 })
          // Read once: a restart from the last checkpoint does not read it again.
          const restarted = await readAll(sqlSource(db, { table, cursor: { column: 'updated_at', tieBreaker: 'id' }, poll: 'once' }), second.checkpoint!)
          expect(restarted.records).toEqual([])
          await source.close()
        } else {
          // MariaDB tells no reader which transaction wrote a row: the safety lag is the rule. With
          // 2 s of lag, neither row is read before both are older than that, so none is skipped.
          const source = sqlSource(db, { table, cursor: { column: 'updated_at', tieBreaker: 'id', safetyLagMs: 2000 }, poll: { intervalMs: 100 } })
          await source.connect(null)
          const ids: unknown[] = []
          const reading = (async () => {
            while (ids.length < 2) {
              const batch = (await source.read(new AbortController().signal)) as SourceBatch
              for (const m of batch.messages) ids.push('record' in m ? m.record.id : null)
              await batch.ack({ accepted: batch.messages.length, rejected: [] })
            }
          })()
          await new Promise((r) => setTimeout(r, 500))
          expect(ids).toEqual([])
          await slow.exec('COMMIT')
          await reading
          expect(ids).toEqual([1, 2])
          await source.close()
        }
      } finally {
        await slow.close()
        await fast.close()
      }
    })

    it('a cursor that goes backwards: rows that appear at or below the checkpoint are a dead letter naming the table, the cursor and how many', async () => {
      const table = 'backwards_rows'
      await db.exec(DDL[server](table))
      const at = (seconds: number) => `'2026-02-01 00:00:${String(seconds).padStart(2, '0')}.250000${server === 'postgres' ? '+00' : ''}'`
      await db.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (1, ${at(10)}, 'a', 1), (2, ${at(20)}, 'a', 2), (3, ${at(30)}, 'a', 3), (4, ${at(40)}, 'a', 4)`)
      const ids = (batch: SourceBatch) => batch.messages.map((m) => ('record' in m ? m.record.id : null))
      const logger = recordingLogger()
      const options = { table, cursor: { column: 'updated_at', tieBreaker: 'id', behindCheckMs: 10 }, batchSize: 10, poll: { intervalMs: 20 } }
      const source = sqlSource(db, options, logger)
      await source.connect(null)
      const first = (await source.read(new AbortController().signal)) as SourceBatch
      expect(ids(first)).toEqual([1, 2, 3, 4])
      await first.ack({ accepted: 4, rejected: [] })
      // Behind the checkpoint (updated_at 00:00:40.25, id 4): a row inserted with an older time, and
      // one inserted ahead whose updated_at then moves below it; ahead: one row the source reads.
      await db.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (5, ${at(5)}, 'b', 5), (6, ${at(50)}, 'b', 6), (7, ${at(55)}, 'b', 7)`)
      await db.exec(`UPDATE ${table} SET updated_at = ${at(35)} WHERE id = 7`)
      await new Promise((r) => setTimeout(r, 30))
      const report = (await source.read(new AbortController().signal)) as SourceBatch
      expect(report.messages).toHaveLength(1)
      const letter = report.messages[0] as { value: string; rejected?: string; position?: string }
      expect(letter.rejected).toMatch(
        /^cursor went backwards: 2 row\(s\) of table "backwards_rows" appeared at or below the checkpoint \(updated_at=2026-02-01T00:00:40\.25(0000)?Z, id=4\)/,
      )
      expect(JSON.parse(letter.value)).toMatchObject({ table, rowsBehind: 2, counted: 6, read: 4 })
      expect(JSON.parse(report.checkpoint!)).toMatchObject({ after: [expect.stringMatching(/T00:00:40\.25/), '4'], rows: 6 })
      await report.ack({ accepted: 0, rejected: [{ index: 0, reason: letter.rejected! }] })
      expect(source.behindRows).toBe(2)
      expect(logger.lines.find((l) => l.message === 'rows appeared behind the cursor: not read')?.fields).toMatchObject({ table, rows: 2, counted: 6, read: 4 })
      const next = (await source.read(new AbortController().signal)) as SourceBatch
      expect(ids(next)).toEqual([6])
      await next.ack({ accepted: 1, rejected: [] })
      await source.close()
      // A restart from that checkpoint reports nothing again and reads nothing twice.
      const restarted = sqlSource(db, { ...options, poll: 'once' })
      const again = await readAll(restarted, next.checkpoint!)
      expect(again.records).toEqual([])
      expect(restarted.behindRows).toBe(0)

      // An id cursor (PostgreSQL has no late-row check for ids): a row inserted below the checkpoint.
      const byId = sqlSource(db, { table, cursor: { column: 'id', behindCheckMs: 10 }, poll: 'once' })
      const all = await readAll(byId)
      expect(all.records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7])
      await db.exec(`INSERT INTO ${table} (id, updated_at, shop, cents) VALUES (0, ${at(1)}, 'c', 0)`)
      const resumed = sqlSource(db, { table, cursor: { column: 'id', behindCheckMs: 10 }, poll: 'once' })
      await resumed.connect(all.checkpoint)
      const behind = (await resumed.read(new AbortController().signal)) as SourceBatch
      expect((behind.messages[0] as { rejected?: string }).rejected).toMatch(
        /^cursor went backwards: 1 row\(s\) of table "backwards_rows" appeared at or below the checkpoint \(id=7\)/,
      )
      await behind.ack({ accepted: 0, rejected: [{ index: 0, reason: 'behind' }] })
      expect(await resumed.read(new AbortController().signal)).toBe(END_OF_INPUT)
      await resumed.close()
    })

    it('through ingest: rows that do not fit the stream are dead letters with reason and position, the others in the log', async () => {
      await db.exec(
        `CREATE TABLE shop_orders (id bigint PRIMARY KEY, shop_id varchar(20), amount_cents varchar(20), created_at ${server === 'postgres' ? 'timestamp' : 'datetime'})`,
      )
      await db.exec(
        "INSERT INTO shop_orders VALUES (1, 's1', '1250', '2026-01-01 10:00:00'), (2, 's2', 'twelve', '2026-01-01 10:01:00'), (3, NULL, '300', '2026-01-01 10:02:00'), (4, 's1', '99999999999999999999', '2026-01-01 10:03:00'), (5, 's3', '7', '2026-01-01 10:04:00')",
      )
      const orders = defineStream('orders', { orderId: t.int64(), shopId: t.string(), amountCents: t.int64(), ts: t.eventTime() })
      const pipeline = definePipeline({ streams: [orders], views: [] })
      const logger = recordingLogger()
      const log = new MemoryEventLog({ autoCreateTopics: true }, { clock: systemClock, logger })
      const dlq = new MemoryDeadLetterQueue({}, { logger })
      await log.connect()
      await dlq.connect()
      try {
        const source = sqlSource(db, { table: 'shop_orders', cursor: { column: 'id' }, batchSize: 2, poll: 'once' }, logger, 'shop-db')
        const mapping = {
          rename: { id: 'orderId', shop_id: 'shopId', amount_cents: 'amountCents', created_at: 'ts' },
          timestamps: { ts: { format: 'iso', zone: 'Europe/Paris' } },
        }
        const runner = new IngestRunner([source], log, dlq, pipeline, systemClock, logger, new Map([['shop-db', { mapping, where: 'sources[0].mapping' }]]), (e) => {
          throw e
        })
        runner.start()
        await runner.finished()
        const ends = await log.endOffsets(orders.topic)
        expect([...ends.values()].reduce((a, b) => a + b, 0)).toBe(2)
        expect(JSON.parse((await log.loadCheckpoint('source/shop-db'))!)).toMatchObject({ columns: ['id'], after: ['5'] })
        const letters = (await dlq.read({ stream: 'orders', limit: 10 })).letters
        expect(letters.map((l) => [l.source, l.position, l.reason.split(':')[0]]).sort()).toEqual([
          ['shop-db', 'id=2', 'mapping'],
          ['shop-db', 'id=3', 'schema'],
          ['shop-db', 'id=4', 'mapping'],
        ])
      } finally {
        await log.close()
        await dlq.close()
      }
    })
  })
}
