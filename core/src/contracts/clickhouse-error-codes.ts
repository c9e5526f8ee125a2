/**
 * ClickHouse error codes that mean "try again later" rather than "this statement is wrong":
 * timeouts, memory and concurrency limits, too many parts (merges are behind), a cancelled query,
 * a table being dropped or a replica not ready. Used by every ClickHouseDriver to classify errors.
 */
export const TRANSIENT_CLICKHOUSE_CODES: ReadonlySet<number> = new Set([159, 160, 202, 209, 210, 241, 242, 252, 394])
