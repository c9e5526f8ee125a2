/**
 * A connection to a ClickHouse engine: a server (@clickhouse/client) or the embedded one (chdb).
 * The batch layer generates the SQL; a driver only transports it, so that the same statements run
 * on both. SQL must run on ClickHouse 18.16 and on current releases.
 *
 * Lifecycle: `connect()`, then statements, then `close()`.
 * Errors: `TwinflowError('unavailable')` (retriable) when the engine cannot be reached or a
 * statement timed out; `TwinflowError('internal')` for a statement the engine rejected (a bug in
 * the generated SQL); each with the statement in `context.sql`.
 */
export interface ClickHouseDriver {
  readonly name: string
  connect(): Promise<void>
  close(): Promise<void>
  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT). */
  command(sql: string): Promise<void>
  /** Runs a query; rows are decoded from JSONEachRow (64-bit integers may arrive as strings). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>
  /** Inserts rows as one block (atomic on a MergeTree table). */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>
  /**
   * Inserts rows written as TabSeparated UTF-8 text (one row per line, ending in a line feed; `\\`, tab,
   * line feed and carriage return escaped with a backslash, `\\N` for NULL) into these columns, as
   * one block (atomic on a MergeTree table): ClickHouse parses it, the caller builds no objects.
   */
  insertTsv(table: string, columns: readonly string[], text: Uint8Array): Promise<void>
}
