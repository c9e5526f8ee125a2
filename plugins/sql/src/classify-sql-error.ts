import { TwinflowError } from '@twinflow/core'
import type { SqlServerLabel } from './sql-client.ts'

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTDOWN'])
const MYSQL_TRANSIENT = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_QUERY_INTERRUPTED',
  'ER_QUERY_TIMEOUT',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_TOO_MANY_USER_CONNECTIONS',
])
const MYSQL_CONFIG: Record<string, string> = {
  ER_ACCESS_DENIED_ERROR: 'check "user" and "password" (or the url)',
  ER_DBACCESS_DENIED_ERROR: 'grant the user access to the database, or check "database"',
  ER_BAD_DB_ERROR: 'check "database" (or the url)',
  ER_NO_SUCH_TABLE: 'check "table" (or the query)',
  ER_BAD_FIELD_ERROR: 'check "cursor" and "columns" (or the query)',
  ER_PARSE_ERROR: 'check "query", "table" and the column names',
  ER_TABLEACCESS_DENIED_ERROR: 'grant the user SELECT on the table',
  ER_COLUMNACCESS_DENIED_ERROR: 'grant the user SELECT on the columns',
  ER_NON_UNIQ_ERROR: 'qualify the cursor columns in "cursor" (e.g. "o.id")',
}

/** What to fix for a PostgreSQL SQLSTATE class the options cause. */
function postgresAdvice(code: string): string | null {
  if (code === '42P01') return 'check "table" (or the query)'
  if (code === '42703') return 'check "cursor" and "columns" (or the query)'
  if (code === '42702') return 'qualify the cursor columns in "cursor" (e.g. "o.id")'
  if (code === '42501') return 'grant the user SELECT on the table'
  if (code === '3D000') return 'check "database" (or the url)'
  if (code.startsWith('28')) return 'check "user" and "password" (or the url)'
  if (code.startsWith('42')) return 'check "query", "table" and the column names'
  if (code.startsWith('22')) return 'a cursor value (from the checkpoint) is not one the column takes: was the column type changed?'
  return null
}

/** Whether a PostgreSQL error is the server or the connection failing, not the query: worth retrying. */
function postgresTransient(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '57014' || code === '40001' || code === '40P01' || code === '55P03'
}

/**
 * A driver's error as a TwinflowError that says what to do: `unavailable` (retriable) when the
 * server is down, unreachable, restarting or the connection broke; `config` (with the option to
 * fix) when the server refuses the options' table, columns, query, database or credentials;
 * `internal` otherwise. `doing` says what was being done ("connect", "read a page").
 */
export function classifySqlError(error: unknown, server: SqlServerLabel, doing: string): TwinflowError {
  if (TwinflowError.is(error)) return error
  const e = (error ?? {}) as { code?: unknown; message?: unknown; fatal?: unknown; severity?: unknown }
  const code = typeof e.code === 'string' ? e.code : ''
  const message = typeof e.message === 'string' ? e.message : String(error)
  const where = `${server.driver === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB'} at ${server.address}`
  const context = { server: server.address, code }
  const unavailable = () => new TwinflowError('unavailable', `${where}: could not ${doing}: ${message}${code ? ` (${code})` : ''}`, { cause: error, context })
  const config = (advice: string) => new TwinflowError('config', `${where} refused to ${doing}: ${message}${code ? ` (${code})` : ''}; ${advice}`, { cause: error, context })
  if (NETWORK.has(code)) return unavailable()
  if (server.driver === 'postgres') {
    // Server errors carry a SQLSTATE and a severity; the client's own (a timeout, a closed socket) neither.
    if (typeof e.severity !== 'string') return unavailable()
    if (postgresTransient(code)) return unavailable()
    const advice = postgresAdvice(code)
    return advice === null ? new TwinflowError('internal', `${where}: ${doing} failed: ${message} (${code})`, { cause: error, context }) : config(advice)
  }
  const advice = MYSQL_CONFIG[code]
  if (advice !== undefined) return config(advice)
  if (MYSQL_TRANSIENT.has(code) || e.fatal === true) return unavailable()
  if (code.startsWith('ER_')) return new TwinflowError('internal', `${where}: ${doing} failed: ${message} (${code})`, { cause: error, context })
  return unavailable()
}
