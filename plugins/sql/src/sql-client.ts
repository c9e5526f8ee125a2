import type { CursorKind, SqlDialect } from './sql-dialect.ts'

/** A column of a result: its name, and what it is as a cursor. */
export interface SqlField {
  name: string
  cursorKind: CursorKind
}

/** The rows of a query, already in record form (convert-values.ts), and its columns. */
export interface SqlRows {
  rows: Record<string, unknown>[]
  fields: SqlField[]
}

/**
 * One connection to a database server, as the `sql` source uses it: one query at a time.
 * Errors are TwinflowErrors (classifySqlError): `unavailable` (retriable) when the server cannot be
 * reached or the connection broke (the client is then `broken`, and a new one must be made),
 * `config` when the server refuses what the options ask (a table, a column, a password).
 */
export interface SqlClient {
  readonly dialect: SqlDialect
  /** Whether the connection failed: the owner closes it and connects again. */
  readonly broken: boolean
  query(sql: string, params: readonly unknown[]): Promise<SqlRows>
  close(): Promise<void>
}

/** Where the server is, for messages (never the password). */
export interface SqlServerLabel {
  driver: 'postgres' | 'mysql'
  /** `host:port/database` */
  address: string
}
