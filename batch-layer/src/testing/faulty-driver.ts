import { TwinflowError, type ClickHouseDriver } from '@twinflow/core'

interface Fault {
  /** Which statements fail (matched on the SQL, or `INSERT INTO <table> (n rows)` for inserts). */
  match: RegExp
  /** How many matching statements fail. */
  times: number
  /** `before`: nothing runs (a clean failure); `after`: the statement runs, then the call fails (an unknown outcome, e.g. a timeout). */
  when: 'before' | 'after'
  error: () => Error
}

/**
 * A fault injector around a real driver: statements go to the real engine, except that the ones a
 * test picks fail, before or after running. Everything else is the real driver's behaviour.
 */
export class FaultyDriver implements ClickHouseDriver {
  readonly name: string
  readonly #faults: Fault[] = []
  /** Every statement attempted, in order (inserts as `INSERT INTO <table> (n rows)`). */
  readonly statements: string[] = []

  constructor(private readonly inner: ClickHouseDriver) {
    this.name = `faulty(${inner.name})`
  }

  /** Makes the next `times` statements matching `match` fail with a retriable `unavailable` error (or `error`). */
  fail(match: RegExp, times: number, options: { when?: 'before' | 'after'; error?: () => Error } = {}): void {
    this.#faults.push({
      match,
      times,
      when: options.when ?? 'before',
      error: options.error ?? (() => new TwinflowError('unavailable', 'injected fault: the engine did not answer')),
    })
  }

  /** Forgets the faults not consumed yet. */
  heal(): void {
    this.#faults.length = 0
  }

  connect(): Promise<void> {
    return this.inner.connect()
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  command(sql: string): Promise<void> {
    return this.#run(sql, () => this.inner.command(sql))
  }

  query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return this.#run(sql, () => this.inner.query<T>(sql))
  }

  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    return this.#run(`INSERT INTO ${table} (${rows.length} rows)`, () => this.inner.insert(table, rows))
  }

  insertTsv(table: string, columns: readonly string[], text: Uint8Array): Promise<void> {
    return this.#run(`INSERT INTO ${table} (${countLines(text)} rows)`, () => this.inner.insertTsv(table, columns, text))
  }

  async #run<T>(statement: string, real: () => Promise<T>): Promise<T> {
    this.statements.push(statement)
    const fault = this.#faults.find((f) => f.times > 0 && f.match.test(statement))
    if (!fault) return real()
    fault.times--
    if (fault.when === 'before') throw fault.error()
    await real()
    throw fault.error()
  }
}

/** Rows of TabSeparated text: its line feeds (a value's line feed is escaped). */
function countLines(text: Uint8Array): number {
  let n = 0
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++
  return n
}
