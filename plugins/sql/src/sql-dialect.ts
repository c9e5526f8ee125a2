/** What a cursor column holds, as far as reading by it goes. */
export type CursorKind = 'int' | 'time' | 'other'

/**
 * The SQL that differs between servers. `push(value)` adds a bound parameter and returns its
 * placeholder, so a dialect may use a value twice (MySQL's expanded keyset condition).
 */
export interface SqlDialect {
  readonly name: 'postgres' | 'mysql'
  /** Quotes one identifier (a name without a qualifier). */
  quote(name: string): string
  /** The rows after the cursor `after` in the order of `columns` (quoted), NULLs excluded. */
  after(columns: readonly string[], after: readonly string[], kinds: readonly CursorKind[], push: (value: unknown) => string): string
  /** The rows at or below the cursor `after` (the complement of `after` among rows without a NULL cursor). */
  atOrBelow(columns: readonly string[], after: readonly string[], kinds: readonly CursorKind[], push: (value: unknown) => string): string
  /** `column` at least `lagMs` older than the server's clock. */
  olderThan(column: string, lagMs: number): string
  /** `column` younger than `ms` behind the server's clock. */
  newerThan(column: string, ms: number): string
}

/** A qualified name (`schema.table`, `o.updated_at`) quoted part by part. */
export function quoteQualified(dialect: SqlDialect, name: string): string {
  return name
    .split('.')
    .map((part) => dialect.quote(part))
    .join('.')
}
