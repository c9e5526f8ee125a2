import { drainPending, Session } from 'chdb'
import { TwinflowError, type ClickHouseDriver, type Logger } from '@twinflow/core'
import type { ChdbDriverOptionsInput } from './chdb-driver-options.ts'
import { dataDirectoryClaim } from './data-directory-claim.ts'
import { mapChdbError } from './map-chdb-error.ts'

/**
 * Engine arguments of every session. 64-bit integers are quoted in JSON output, as a ClickHouse
 * server does by default, so that code written against chdb also decodes a server's answers.
 */
const CONNECTION_ARGS = ['--output_format_json_quote_64bit_integers=1']

/**
 * A ClickHouseDriver over chdb, ClickHouse embedded in the process (no server). Statements run on
 * a libuv thread, never on the event loop.
 * chdb binds one data directory per process: a second driver on another directory fails at
 * `connect()` with a `config` error; drivers on the same directory coexist.
 */
export class ChdbDriver implements ClickHouseDriver {
  readonly name = 'chdb'
  #session: Session | null = null
  #connecting: Promise<void> | null = null
  #releaseEveryMs: number
  #releasedAt = performance.now()
  #releasing = false

  constructor(
    private readonly options: ChdbDriverOptionsInput,
    private readonly logger: Logger,
  ) {
    this.#releaseEveryMs = options.releaseMemoryEveryMs ?? 5000
  }

  /** The bound data directory (known once connected). */
  get path(): string | null {
    return this.#session?.path ?? null
  }

  /** Opens the session; idempotent (concurrent calls share one attempt). */
  connect(): Promise<void> {
    if (this.#session) return Promise.resolve()
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  async #open(): Promise<void> {
    const requested = this.options.path ?? null
    dataDirectoryClaim.check(requested)
    let session: Session
    try {
      const spill = this.options.spillAboveBytes ?? 256 * 1024 * 1024
      const connectionArgs = [...CONNECTION_ARGS, `--max_bytes_before_external_group_by=${spill}`, `--max_bytes_before_external_sort=${spill}`]
      session = new Session(requested ?? '', { connectionArgs })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (/data directory/i.test(message)) {
        throw new TwinflowError(
          'config',
          `chdb could not open ${requested ?? 'a temporary directory'}: another chdb session of this process holds a different data directory (chdb binds one per process). ${message}`,
          { cause: error },
        )
      }
      throw new TwinflowError('unavailable', `chdb could not open ${requested ?? 'a temporary directory'}: ${message}`, { cause: error })
    }
    this.#session = session
    dataDirectoryClaim.acquire(session.path)
    this.logger.info('chdb session open', { path: session.path, temporary: session.isTemp })
  }

  async close(): Promise<void> {
    const session = this.#session
    if (!session) return
    this.#session = null
    session.close()
    // close() defers the teardown behind operations still running; wait for them, so that the
    // process can open another directory afterwards.
    await drainPending()
    dataDirectoryClaim.release()
    this.logger.info('chdb session closed', { path: session.path })
  }

  async command(sql: string): Promise<void> {
    const session = this.#connected(sql)
    const started = performance.now()
    try {
      await session.queryAsync(sql, { format: 'JSONEachRow' })
    } catch (error) {
      throw mapChdbError(error, sql)
    }
    this.logger.debug('command', { sql, ms: Math.round(performance.now() - started) })
  }

  async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const session = this.#connected(sql)
    const started = performance.now()
    let text: string
    try {
      text = (await session.queryAsync(sql, { format: 'JSONEachRow' })).text()
    } catch (error) {
      throw mapChdbError(error, sql)
    }
    const rows: T[] = []
    for (const line of text.split('\n')) if (line.length > 0) rows.push(JSON.parse(line) as T)
    this.logger.debug('query', { sql, rows: rows.length, ms: Math.round(performance.now() - started) })
    return rows
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return
    const what = `INSERT INTO ${table} (${rows.length} rows)`
    const session = this.#connected(what)
    const started = performance.now()
    try {
      // One JSONEachRow payload, parsed by ClickHouse itself, as the server driver sends rows: a row
      // is what JSON.stringify makes of it (an undefined field takes the column's default).
      await session.insert({ table, values: jsonEachRow(rows), format: 'JSONEachRow' })
    } catch (error) {
      throw mapChdbError(error, what)
    }
    this.logger.debug('insert', { table, rows: rows.length, ms: Math.round(performance.now() - started) })
    this.#releaseMemory(session)
  }

  async insertTsv(table: string, columns: readonly string[], text: Uint8Array): Promise<void> {
    if (text.length === 0) return
    const what = `INSERT INTO ${table} (TabSeparated, ${text.byteLength} bytes)`
    const session = this.#connected(what)
    const started = performance.now()
    try {
      await session.insert({ table, columns, values: text, format: 'TabSeparated' })
    } catch (error) {
      throw mapChdbError(error, what)
    }
    this.logger.debug('insert', { table, bytes: text.byteLength, ms: Math.round(performance.now() - started) })
    this.#releaseMemory(session)
  }

  /** Purges the allocator's freed pages, in the background, at most every `releaseMemoryEveryMs`; a failure turns it off. */
  #releaseMemory(session: Session): void {
    const every = this.#releaseEveryMs
    if (every === 0 || this.#releasing || performance.now() - this.#releasedAt < every) return
    this.#releasing = true
    session
      .queryAsync('SYSTEM JEMALLOC PURGE', { format: 'JSONEachRow' })
      .then(
        () => {
          this.#releasedAt = performance.now()
        },
        (error: unknown) => {
          this.#releaseEveryMs = 0
          this.logger.warn('chdb cannot release freed memory (SYSTEM JEMALLOC PURGE failed); the process keeps what ClickHouse used', { error: String(error) })
        },
      )
      .finally(() => {
        this.#releasing = false
      })
  }

  #connected(sql: string): Session {
    if (this.#session) return this.#session
    throw new TwinflowError('internal', 'the chdb driver is not connected: call connect() before running statements', { context: { sql } })
  }
}

/** Rows as JSONEachRow bytes: one JSON object per line. */
function jsonEachRow(rows: readonly Record<string, unknown>[]): Buffer {
  let text = ''
  for (const row of rows) text += `${JSON.stringify(row)}\n`
  return Buffer.from(text)
}
