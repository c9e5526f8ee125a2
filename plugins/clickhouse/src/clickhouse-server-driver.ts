import { Readable } from 'node:stream'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import { TwinflowError, type ClickHouseDriver, type Logger } from '@twinflow/core'
import type { ClickHouseServerDriverOptions } from './clickhouse-driver-options.ts'
import { mapClickHouseError } from './map-clickhouse-error.ts'

/**
 * A ClickHouseDriver over a ClickHouse server's HTTP interface (@clickhouse/client). Runs the
 * same SQL as the embedded chdb driver; works with ClickHouse 18.16 and current releases.
 */
export class ClickHouseServerDriver implements ClickHouseDriver {
  readonly name = 'clickhouse'
  #client: ClickHouseClient | null = null

  constructor(
    private readonly options: ClickHouseServerDriverOptions,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    if (this.#client) return
    const client = createClient({
      url: this.options.url,
      username: this.options.username,
      password: this.options.password,
      database: this.options.database,
      request_timeout: this.options.requestTimeoutMs,
      keep_alive: { enabled: true, idle_socket_ttl: this.options.idleSocketTtlMs, eagerly_destroy_stale_sockets: true },
      // Long recomputes: progress headers keep the HTTP connection alive through idle timeouts.
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' },
      // Errors reach callers as TwinflowErrors and are logged by them, not printed by the client.
      log: { level: ClickHouseLogLevel.OFF },
    })
    const ping = await client.ping()
    if (!ping.success) {
      await client.close()
      throw mapClickHouseError(ping.error, 'ping')
    }
    this.#client = client
    this.logger.info('connected to ClickHouse', { url: this.options.url, database: this.options.database })
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#client = null
    await client?.close()
  }

  async command(sql: string): Promise<void> {
    const client = this.#connected(sql)
    try {
      await client.command({ query: sql })
    } catch (error) {
      throw mapClickHouseError(error, sql)
    }
  }

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const client = this.#connected(sql)
    try {
      const result = await client.query({ query: sql, format: 'JSONEachRow' })
      return await result.json<T>()
    } catch (error) {
      throw mapClickHouseError(error, sql)
    }
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return
    const what = `INSERT INTO ${table} (${rows.length} rows)`
    const client = this.#connected(what)
    try {
      await client.insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' })
    } catch (error) {
      throw mapClickHouseError(error, what)
    }
  }

  async insertTsv(table: string, columns: readonly string[], text: Uint8Array): Promise<void> {
    if (text.length === 0) return
    const what = `INSERT INTO ${table} (TabSeparated, ${text.byteLength} bytes)`
    const client = this.#connected(what)
    try {
      // One request whose body is the text, streamed as it is (a raw format: the client does not parse it).
      await client.insert({ table, values: Readable.from([text], { objectMode: false }), format: 'TabSeparated', columns: columns.map((c) => `\`${c}\``) as [string, ...string[]] })
    } catch (error) {
      throw mapClickHouseError(error, what)
    }
  }

  #connected(sql: string): ClickHouseClient {
    if (this.#client) return this.#client
    throw new TwinflowError('internal', 'the ClickHouse driver is not connected: call connect() before running statements', { context: { sql } })
  }
}
