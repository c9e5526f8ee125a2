import { END_OF_INPUT, TwinflowError, type Clock, type Logger, type Scheduler, type Source, type SourceBatch, type SourceMessage } from '@twinflow/core'
import { buildBehindCountQuery, buildNullCountQuery, buildPageQuery, buildProbeQuery, LATE_COLUMN, SNAPSHOT_COLUMN, type PagePlan } from './build-page-query.ts'
import { parsePgSnapshot } from './pg-snapshot.ts'
import { cronWait, intervalWait, type PollWait } from './poll-wait.ts'
import type { SqlClient } from './sql-client.ts'
import { decodeSqlCheckpoint, encodeSqlCheckpoint } from './sql-checkpoint.ts'
import type { SqlSourceOptions } from './sql-source-options.ts'

/** How often, at most, a caught-up source counts the rows it cannot read (a NULL cursor). */
const NULL_COUNT_EVERY_MS = 10 * 60_000
/** Late rows a log line names, at most. */
const NAMED = 5

export interface SqlSourceDeps {
  /** Opens a connection (PostgresClient.connect or MysqlClient.connect with the resolved settings). */
  connect: () => Promise<SqlClient>
  clock: Clock
  logger: Logger
  /** The process's scheduler, for `poll: { cron }`. */
  scheduler?: Scheduler
}

/**
 * A table (or a query) of PostgreSQL or MySQL/MariaDB read incrementally in keyset pages: the rows
 * after the cursor, ordered by the cursor column (and its tie-breaker), `batchSize` at a time, each
 * page one batch of records; the checkpoint is the last row's cursor (sql-checkpoint.ts), saved with
 * the batch in the log. It reads ahead (`readAhead`): the next page starts after the last one
 * returned, while the runner appends that one; where it resumes after a restart or a failed append
 * is the last checkpoint the log holds. Once caught up it waits (`poll`)
 * and looks again, or ends (`poll: 'once'`). Rows whose cursor is NULL are never read: they are
 * counted and logged. A timestamp cursor can lag the server's clock (`safetyLagMs`); on
 * PostgreSQL a table's rows committed after their cursor range was read are found and read late
 * (build-page-query.ts, pg-snapshot.ts), and logged. In `table` mode, every `cursor.behindCheckMs`
 * the source counts the rows at or below its checkpoint: more than it read there means rows
 * appeared behind the cursor (inserted below it, or moved below it, after it passed); they are
 * not read, and the source says so in a dead letter (its reason names the table, the cursor and
 * how many rows), a warning, and `behindRows`.
 * Errors: a server that cannot be reached or a broken connection is a retriable `unavailable` error
 * (the next read connects again); a table, column or query the server refuses, or a checkpoint of
 * another cursor, is a `config` error.
 */
export class SqlSource implements Source {
  readonly stream: string
  readonly readAhead = true
  readonly checkpointInputs: readonly { input: string; option: string }[]
  readonly #fields: string[]
  #client: SqlClient | null = null
  #plan: PagePlan | null = null
  #lateCheck = false
  #after: readonly string[] | null = null
  #snapshot: string | null = null
  #caughtUp = false
  #ended = false
  #poll: PollWait | null = null
  #nullRows = 0
  #nullCheckedAt = Number.NEGATIVE_INFINITY
  #lateRows = 0
  /** Rows at or below #after the source accounts for (sql-checkpoint.ts); null: not known. */
  #rows: number | null = 0
  #behindCheckedAt = Number.NEGATIVE_INFINITY
  #behindRows = 0

  constructor(
    readonly name: string,
    private readonly options: SqlSourceOptions,
    private readonly deps: SqlSourceDeps,
  ) {
    this.stream = options.stream
    this.#fields = this.#cursorColumns().map((c) => c.split('.').pop()!)
    this.checkpointInputs = this.#fields.map((input, i) => ({ input, option: i === 0 ? 'cursor.column' : 'cursor.tieBreaker' }))
  }

  /** Rows read late so far (PostgreSQL's late-row check), for tests and logs. */
  get lateRows(): number {
    return this.#lateRows
  }

  /** Rows found behind the cursor (appeared at or below the checkpoint, never read) so far. */
  get behindRows(): number {
    return this.#behindRows
  }

  #cursorColumns(): string[] {
    const { column, tieBreaker } = this.options.cursor
    return tieBreaker === undefined ? [column] : [column, tieBreaker]
  }

  async connect(checkpoint: string | null): Promise<void> {
    const columns = this.#cursorColumns()
    const restored = checkpoint === null ? null : decodeSqlCheckpoint(checkpoint, columns, this.name)
    this.#after = restored?.after ?? null
    this.#snapshot = restored?.snapshot ?? null
    this.#rows = restored === null ? 0 : restored.rows
    this.#behindCheckedAt = Number.NEGATIVE_INFINITY
    this.#caughtUp = false
    this.#ended = false
    const client = await this.#connected()
    if (this.#poll === null) {
      const { poll } = this.options
      if (poll !== 'once') this.#poll = 'cron' in poll ? cronWait(this.deps.scheduler, this.name, poll.cron) : intervalWait(this.deps.clock, poll.intervalMs)
    }
    await this.#countNullCursors(client)
  }

  async #connected(): Promise<SqlClient> {
    if (this.#client?.broken) {
      await this.#client.close()
      this.#client = null
    }
    if (this.#client !== null) return this.#client
    const client = await this.deps.connect()
    try {
      if (this.#plan === null) this.#plan = await this.#probe(client)
    } catch (error) {
      await client.close()
      throw error
    }
    this.#client = client
    return client
  }

  /** Checks the table (or query) and the cursor columns, and learns the cursor's kinds. */
  async #probe(client: SqlClient): Promise<PagePlan> {
    const { options } = this
    const source = options.query !== undefined ? { query: options.query } : { table: options.table!, ...(options.columns === undefined ? {} : { columns: options.columns }) }
    const draft: PagePlan = { dialect: client.dialect, source, cursor: this.#cursorColumns(), kinds: [], batchSize: options.batchSize, safetyLagMs: options.cursor.safetyLagMs }
    const { fields } = await client.query(buildProbeQuery(draft), [])
    const kinds = this.#fields.map((name, i) => {
      const field = fields.find((f) => f.name === name)
      if (field === undefined)
        throw new TwinflowError(
          'config',
          `cursor.${i === 0 ? 'column' : 'tieBreaker'}: the ${options.query === undefined ? 'table' : 'query'} has no column "${name}" (it has: ${fields.map((f) => f.name).join(', ')})`,
        )
      return field.cursorKind
    })
    if (options.cursor.safetyLagMs > 0 && kinds[0] !== 'time')
      throw new TwinflowError('config', `cursor.safetyLagMs: needs a timestamp cursor column, and "${this.#fields[0]}" is not one (leave safetyLagMs out for an id)`)
    this.#lateCheck = client.dialect.name === 'postgres' && options.table !== undefined && kinds[0] === 'time' && options.cursor.lateRowLookbackMs > 0
    return { ...draft, kinds }
  }

  async #countNullCursors(client: SqlClient): Promise<void> {
    const sql = buildNullCountQuery(this.#plan!)
    const now = this.deps.clock.now()
    if (sql === null || now - this.#nullCheckedAt < NULL_COUNT_EVERY_MS) return
    this.#nullCheckedAt = now
    const { rows } = await client.query(sql, [])
    const n = Number(rows[0]?.n ?? 0)
    if (n > 0 && n !== this.#nullRows) this.deps.logger.warn('rows with a NULL cursor column are never read', { rows: n, cursor: this.#fields })
    this.#nullRows = n
  }

  async read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT> {
    if (this.#plan === null) throw new TwinflowError('internal', `source "${this.name}": read before connect`)
    for (;;) {
      if (this.#ended) return END_OF_INPUT
      if (this.#caughtUp) {
        if (this.options.poll === 'once' || this.#poll === null) {
          this.#ended = true
          return END_OF_INPUT
        }
        await this.#poll.wait(signal)
        this.#caughtUp = false
      }
      const client = await this.#connected()
      const plan = this.#plan
      const behind = await this.#checkBehind(client)
      if (behind !== null) return behind
      const reference = this.#lateCheck && this.#snapshot !== null ? parsePgSnapshot(this.#snapshot) : null
      const { sql, params } = buildPageQuery(plan, {
        after: this.#after,
        lateCheck: reference === null ? null : { snapshot: reference, lookbackMs: this.options.cursor.lateRowLookbackMs },
        withSnapshot: this.#lateCheck,
      })
      const { rows } = await client.query(sql, params)
      let pageRows = 0
      let last: Record<string, unknown> | undefined
      let snapshot = this.#snapshot
      const late: string[] = []
      const messages: SourceMessage[] = new Array(rows.length)
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!
        if (this.#lateCheck) {
          if (row[LATE_COLUMN] === true) late.push(positionOf(row, this.#fields))
          else {
            pageRows++
            last = row
          }
          snapshot = row[SNAPSHOT_COLUMN] as string
          delete row[LATE_COLUMN]
          delete row[SNAPSHOT_COLUMN]
        } else {
          pageRows++
          last = row
        }
        messages[i] = new SqlRowMessage(row, this.#fields)
      }
      if (pageRows < plan.batchSize) {
        this.#caughtUp = true
        await this.#countNullCursors(client)
      }
      if (rows.length === 0) continue
      const after = last === undefined ? this.#after : this.#cursorOf(last)
      if (late.length > 0) {
        this.#lateRows += late.length
        this.deps.logger.warn('rows committed after a page covering their cursor was read: read now', {
          rows: late.length,
          total: this.#lateRows,
          first: late.slice(0, NAMED),
          rule: 'a transaction committed after the checkpoint passed its cursor value (lookback cursor.lateRowLookbackMs)',
        })
      }
      const rowsAfter = this.#rows === null ? null : this.#rows + rows.length
      const checkpoint = encodeSqlCheckpoint({ columns: this.#cursorColumns(), after, snapshot, rows: rowsAfter })
      // Read ahead: the next page starts here, before this one is acked (see the class comment).
      this.#after = after
      this.#snapshot = snapshot
      this.#rows = rowsAfter
      return { messages, checkpoint, ack: async () => {} }
    }
  }

  /**
   * When due, counts the rows at or below the checkpoint. More than the source accounts for: rows
   * appeared behind the cursor; returns a batch of one dead letter that says so, whose checkpoint
   * takes the new count (so a restart after it is in the log does not report them again). Fewer (rows deleted, or whose
   * cursor moved forward, to be read again): the count is taken as it is. Null: nothing to report
   * (or the count failed: logged, and tried again after behindCheckMs).
   */
  async #checkBehind(client: SqlClient): Promise<SourceBatch | null> {
    const every = this.options.cursor.behindCheckMs
    const after = this.#after
    const now = this.deps.clock.now()
    if (every === 0 || after === null || now - this.#behindCheckedAt < every) return null
    const reference = this.#lateCheck && this.#snapshot !== null ? parsePgSnapshot(this.#snapshot) : null
    const query = buildBehindCountQuery(this.#plan!, after, reference === null ? null : { snapshot: reference, lookbackMs: this.options.cursor.lateRowLookbackMs })
    if (query === null) return null
    this.#behindCheckedAt = now
    let counted: number
    try {
      const { rows } = await client.query(query.sql, query.params)
      counted = Number(rows[0]?.n ?? 0)
    } catch (error) {
      // The check must not stop the reading (a count over a huge table may outlast queryTimeoutMs):
      // it is tried again after behindCheckMs; a broken connection is the page query's to report.
      this.deps.logger.warn('could not count the rows behind the cursor; trying again later', { table: this.options.table, error, inMs: every })
      return null
    }
    const expected = this.#rows
    if (expected === null || counted <= expected) {
      this.#rows = counted
      return null
    }
    const appeared = counted - expected
    const cursor = this.#fields.map((name, i) => `${name}=${after[i]}`).join(', ')
    const table = this.options.table!
    const reason =
      `cursor went backwards: ${appeared} row(s) of table "${table}" appeared at or below the checkpoint (${cursor}) after the source had read past it ` +
      `(inserted with a lower ${this.#fields[0]}, or moved below it); this source does not read them. ` +
      `Rows at or below the checkpoint: ${counted}, of which the source read ${expected}.`
    this.deps.logger.warn('rows appeared behind the cursor: not read', { table, cursor: after, rows: appeared, counted, read: expected, total: this.#behindRows + appeared })
    const checkpoint = encodeSqlCheckpoint({ columns: this.#cursorColumns(), after, snapshot: this.#snapshot, rows: counted })
    const value = JSON.stringify({ table, cursor: Object.fromEntries(this.#fields.map((name, i) => [name, after[i]])), rowsBehind: appeared, counted, read: expected })
    this.#rows = counted
    this.#behindRows += appeared
    return { messages: [{ value, rejected: reason, position: `behind ${cursor}: ${expected} → ${counted} rows` }], checkpoint, ack: async () => {} }
  }

  #cursorOf(row: Record<string, unknown>): string[] {
    return this.#fields.map((name) => {
      const value = row[name]
      if (value === null || value === undefined)
        throw new TwinflowError(
          'config',
          `source "${this.name}": a row has no value in its cursor column "${name}": in "query" mode, the cursor must name columns the query returns`,
        )
      return String(value)
    })
  }

  async close(): Promise<void> {
    const poll = this.#poll
    const client = this.#client
    this.#poll = null
    this.#client = null
    await poll?.stop()
    await client?.close()
  }
}

/** A row's place in the table, for its dead letter: its cursor, `updated_at=2026-01-15T10:05:00Z, id=42`. */
function positionOf(row: Record<string, unknown>, fields: readonly string[]): string {
  let text = ''
  for (let i = 0; i < fields.length; i++) text += `${i === 0 ? '' : ', '}${fields[i]}=${String(row[fields[i]!])}`
  return text
}

/** A row as a source message; its position is made only when asked for (a rejected row's dead letter). */
class SqlRowMessage {
  constructor(
    readonly record: Record<string, unknown>,
    private readonly fields: readonly string[],
  ) {}

  get position(): string {
    return positionOf(this.record, this.fields)
  }
}
