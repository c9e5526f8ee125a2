import { TwinflowError } from '@twinflow/core'

/**
 * ClickHouse error codes that say "try again later" rather than "this statement is wrong":
 * timeouts, memory and concurrency limits, too many parts (merges are behind), a cancelled query.
 */
const TRANSIENT_CLICKHOUSE_CODES = new Set([159, 160, 202, 209, 210, 241, 242, 252, 394])

interface ChdbLikeError {
  message: string
  /** chdb's stable discriminator, e.g. `CHDB_QUERY`, `CHDB_SYNTAX`, `CHDB_TIMEOUT`. */
  code: string
  clickhouseCode?: number
}

function isChdbError(error: unknown): error is ChdbLikeError {
  const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('CHDB_')
}

/**
 * Maps an error of the chdb binding to the ClickHouseDriver contract: `unavailable` (retriable)
 * when the engine could not run the statement now (timeout, abort, limits, connection), `internal`
 * when it rejected the statement (a bug in the generated SQL). The statement is in `context.sql`,
 * the ClickHouse error code in `context.clickhouseCode`.
 */
export function mapChdbError(error: unknown, sql: string): TwinflowError {
  if (TwinflowError.is(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  if (!isChdbError(error)) {
    return new TwinflowError('internal', `chdb failed: ${message}`, { cause: error, context: { sql } })
  }
  const context = { sql, clickhouseCode: error.clickhouseCode ?? null, chdbCode: error.code }
  switch (error.code) {
    case 'CHDB_TIMEOUT':
    case 'CHDB_ABORT':
    case 'CHDB_CONNECTION':
      return new TwinflowError('unavailable', `chdb could not run the statement: ${message}`, { cause: error, context })
    case 'CHDB_CLOSED':
      return new TwinflowError('internal', `chdb driver used after close(): ${message}`, { cause: error, context })
  }
  if (error.clickhouseCode !== undefined && TRANSIENT_CLICKHOUSE_CODES.has(error.clickhouseCode)) {
    return new TwinflowError('unavailable', `chdb could not run the statement now: ${message}`, { cause: error, context })
  }
  return new TwinflowError('internal', `chdb rejected the statement: ${message}`, { cause: error, context })
}
