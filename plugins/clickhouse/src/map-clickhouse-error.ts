import { ClickHouseError } from '@clickhouse/client'
import { TRANSIENT_CLICKHOUSE_CODES, TwinflowError } from '@twinflow/core'

/**
 * Maps an error of @clickhouse/client to the ClickHouseDriver contract: a server's rejection of
 * the statement is `internal` (a bug in the generated SQL), unless its code is transient; anything
 * without a server error code (refused connection, reset socket, timeout) is `unavailable`.
 */
export function mapClickHouseError(error: unknown, sql: string): TwinflowError {
  if (TwinflowError.is(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  // Older servers (18.16) answer "Code: 47, e.displayText() = ...", which the client does not
  // parse into a ClickHouseError; the code is then read from the message.
  const code = error instanceof ClickHouseError ? Number(error.code) : Number(/^Code: (\d+)[,.]/.exec(message)?.[1] ?? NaN)
  if (!Number.isInteger(code)) return new TwinflowError('unavailable', `ClickHouse unreachable: ${message}`, { cause: error, context: { sql } })
  if (TRANSIENT_CLICKHOUSE_CODES.has(code))
    return new TwinflowError('unavailable', `ClickHouse could not run the statement now: ${message}`, { cause: error, context: { sql, clickhouseCode: code } })
  return new TwinflowError('internal', `ClickHouse rejected the statement: ${message}`, { cause: error, context: { sql, clickhouseCode: code } })
}
