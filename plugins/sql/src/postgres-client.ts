import pg from 'pg'
import { classifySqlError } from './classify-sql-error.ts'
import { byteaBase64, decimalValue, instantIso, int8Value, localIso } from './convert-values.ts'
import { postgresDialect } from './postgres-dialect.ts'
import type { SqlClient, SqlRows, SqlServerLabel } from './sql-client.ts'
import type { CursorKind } from './sql-dialect.ts'
import type { SqlConnectionSettings } from './sql-connection-settings.ts'

const OID = { bool: 16, bytea: 17, int8: 20, int2: 21, int4: 23, oid: 26, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const

/** Text parsers of the types whose default form is lossy or not JSON (convert-values.ts); the others are pg's. */
const PARSERS = new Map<number, (text: string) => unknown>([
  [OID.int8, int8Value],
  [OID.numeric, decimalValue],
  [OID.timestamptz, instantIso],
  [OID.timestamp, localIso],
  [OID.date, (text) => text],
  [OID.bytea, byteaBase64],
])

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    format !== 'binary' && PARSERS.has(oid) ? PARSERS.get(oid)! : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

function cursorKindOf(oid: number): CursorKind {
  if (oid === OID.int2 || oid === OID.int4 || oid === OID.int8 || oid === OID.oid) return 'int'
  if (oid === OID.timestamp || oid === OID.timestamptz || oid === OID.date) return 'time'
  return 'other'
}

/** A PostgreSQL connection (`pg`) in a UTC session, with the source's type conversions. */
export class PostgresClient implements SqlClient {
  readonly dialect = postgresDialect
  #broken = false

  private constructor(
    private readonly client: pg.Client,
    private readonly server: SqlServerLabel,
  ) {
    // An idle connection that breaks emits 'error'; without a listener it would end the process.
    client.on('error', () => {
      this.#broken = true
    })
  }

  static async connect(settings: SqlConnectionSettings): Promise<PostgresClient> {
    const { connection, tls, connectTimeoutMs, queryTimeoutMs, server } = settings
    const client = new pg.Client({
      ...(connection.url === undefined
        ? { host: connection.host, port: connection.port ?? 5432, user: connection.user, password: connection.password, database: connection.database }
        : { connectionString: connection.url }),
      ...(tls === null ? {} : { ssl: tls }),
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: queryTimeoutMs,
      application_name: 'twinflow',
      types,
    })
    const pgClient = new PostgresClient(client, server)
    try {
      await client.connect()
      // Times with a zone are then written in UTC, and times without one compared as UTC.
      await client.query("SET TIME ZONE 'UTC'")
    } catch (error) {
      await client.end().catch(() => {})
      throw classifySqlError(error, server, 'connect')
    }
    return pgClient
  }

  get broken(): boolean {
    return this.#broken
  }

  async query(sql: string, params: readonly unknown[]): Promise<SqlRows> {
    try {
      const result = await this.client.query({ text: sql, values: params as unknown[] })
      return { rows: result.rows, fields: result.fields.map((f) => ({ name: f.name, cursorKind: cursorKindOf(f.dataTypeID) })) }
    } catch (error) {
      const classified = classifySqlError(error, this.server, 'read a page')
      if (classified.kind === 'unavailable') this.#broken = true
      throw classified
    }
  }

  async close(): Promise<void> {
    this.#broken = true
    await this.client.end().catch(() => {})
  }
}
