import mysql from 'mysql2'
import { classifySqlError } from './classify-sql-error.ts'
import { bitValue, decimalValue, instantIso, localIso } from './convert-values.ts'
import { mysqlDialect } from './mysql-dialect.ts'
import type { SqlClient, SqlField, SqlRows, SqlServerLabel } from './sql-client.ts'
import type { CursorKind } from './sql-dialect.ts'
import type { SqlConnectionSettings } from './sql-connection-settings.ts'

/** MySQL column types (the protocol's numbers). */
const T = {
  DECIMAL: 0,
  NEWDECIMAL: 246,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
} as const
const STRING_TYPES = new Set([15, 249, 250, 251, 252, 253, 254])
const BINARY_CHARSET = 63

interface MysqlFieldPacket {
  name: string
  columnType?: number
  characterSet?: number
  columnLength?: number
}

function cursorKindOf(type: number | undefined): CursorKind {
  if (type === T.TINY || type === T.SHORT || type === T.LONG || type === T.LONGLONG || type === T.INT24 || type === T.YEAR) return 'int'
  if (type === T.TIMESTAMP || type === T.TIMESTAMP2 || type === T.DATETIME || type === T.DATETIME2 || type === T.DATE || type === T.NEWDATE) return 'time'
  return 'other'
}

/**
 * The conversion of a column the driver does not already give in record form (convert-values.ts):
 * TIMESTAMP (UTC session) and DATETIME to ISO-8601, BIT to a number, binary strings to base64, and
 * TINYINT(1) (MySQL's BOOLEAN) to a boolean (0 false, anything else true). BIGINT comes as a
 * number when safe, else a string (supportBigNumbers); DECIMAL as decimalValue says.
 */
function converterOf(field: MysqlFieldPacket): ((value: unknown) => unknown) | null {
  const type = field.columnType
  if (type === T.TIMESTAMP || type === T.TIMESTAMP2) return (v) => (typeof v === 'string' ? instantIso(v) : v)
  if (type === T.DATETIME || type === T.DATETIME2) return (v) => (typeof v === 'string' ? localIso(v) : v)
  if (type === T.DECIMAL || type === T.NEWDECIMAL) return (v) => (typeof v === 'string' ? decimalValue(v) : v)
  if (type === T.BIT) return (v) => (Buffer.isBuffer(v) ? bitValue(v) : v)
  if (type === T.TINY && field.columnLength === 1) return (v) => (typeof v === 'number' ? v !== 0 : v)
  if (type !== undefined && STRING_TYPES.has(type) && field.characterSet === BINARY_CHARSET) return (v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)
  return null
}

/** A MySQL or MariaDB connection (`mysql2`, text protocol) in a UTC session, with the source's type conversions. */
export class MysqlClient implements SqlClient {
  readonly dialect = mysqlDialect
  #broken = false
  /** Converters by the result's column signature (a page has the same columns as the one before). */
  #converters = new Map<string, { fields: SqlField[]; convert: (rows: Record<string, unknown>[]) => void }>()

  private constructor(
    private readonly connection: mysql.Connection,
    private readonly server: SqlServerLabel,
    private readonly queryTimeoutMs: number,
  ) {
    connection.on('error', () => {
      this.#broken = true
    })
  }

  static async connect(settings: SqlConnectionSettings): Promise<MysqlClient> {
    const { connection, tls, connectTimeoutMs, queryTimeoutMs, server } = settings
    let target: { host?: string; port?: number; user?: string; password?: string; database?: string }
    if (connection.url !== undefined) {
      const u = new URL(connection.url)
      target = {
        host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')),
        port: u.port === '' ? 3306 : Number(u.port),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: decodeURIComponent(u.pathname.slice(1)),
      }
    } else target = connection
    const conn = mysql.createConnection({
      ...target,
      ...(tls === null ? {} : { ssl: tls }),
      connectTimeout: connectTimeoutMs,
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: true,
      charset: 'utf8mb4',
    })
    const client = new MysqlClient(conn, server, queryTimeoutMs)
    try {
      await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())))
      // TIMESTAMP values are then written in UTC, and DATETIME values compared with the clock in UTC.
      await client.#run("SET time_zone = '+00:00'", [])
    } catch (error) {
      conn.destroy()
      throw classifySqlError(error, server, 'connect')
    }
    return client
  }

  get broken(): boolean {
    return this.#broken
  }

  #run(sql: string, params: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; fields: MysqlFieldPacket[] }> {
    return new Promise((resolve, reject) =>
      this.connection.query({ sql, values: params as unknown[], timeout: this.queryTimeoutMs }, (error, rows, fields) =>
        error ? reject(error) : resolve({ rows: rows as Record<string, unknown>[], fields: (fields ?? []) as MysqlFieldPacket[] }),
      ),
    )
  }

  async query(sql: string, params: readonly unknown[]): Promise<SqlRows> {
    let result: { rows: Record<string, unknown>[]; fields: MysqlFieldPacket[] }
    try {
      result = await this.#run(sql, params)
    } catch (error) {
      const classified = classifySqlError(error, this.server, 'read a page')
      if (classified.kind === 'unavailable') this.#broken = true
      throw classified
    }
    const { fields, convert } = this.#converterOf(result.fields)
    convert(result.rows)
    return { rows: result.rows, fields }
  }

  #converterOf(packets: MysqlFieldPacket[]) {
    const signature = packets.map((f) => `${f.name}\u0000${f.columnType}\u0000${f.characterSet}\u0000${f.columnLength}`).join('\u0001')
    let found = this.#converters.get(signature)
    if (found === undefined) {
      const columns = packets.flatMap((f) => {
        const fn = converterOf(f)
        return fn === null ? [] : [{ name: f.name, fn }]
      })
      const convert = (rows: Record<string, unknown>[]) => {
        if (columns.length === 0) return
        for (const row of rows) for (const { name, fn } of columns) row[name] = fn(row[name])
      }
      found = { fields: packets.map((f) => ({ name: f.name, cursorKind: cursorKindOf(f.columnType) })), convert }
      if (this.#converters.size > 16) this.#converters.clear()
      this.#converters.set(signature, found)
    }
    return found
  }

  async close(): Promise<void> {
    this.#broken = true
    // A broken connection may never answer the goodbye: wait for it a little, then drop the socket.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([new Promise<void>((resolve) => this.connection.end(() => resolve())), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))])
    clearTimeout(timer)
    this.connection.destroy()
  }
}
