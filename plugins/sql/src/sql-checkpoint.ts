import { TwinflowError } from '@twinflow/core'

/**
 * Where a `sql` source is: the cursor values of the last row of the last batch in the log (in the
 * form the records have them, which the server reads back exactly), under the names of the cursor
 * columns they belong to; on PostgreSQL with the late-row check, the snapshot those rows were
 * read in; and `rows`, how many rows at or below `after` the source accounts for (the count of its
 * last check for rows behind the cursor, plus the rows read since), null when not known (a
 * checkpoint of an older version). Saved with each batch in the log, as JSON:
 * `{"v":1,"columns":["updated_at","id"],"after":["2026-01-15T10:05:00.123456Z","42"],"snapshot":"812:815:813","rows":12000}`.
 */
export interface SqlCheckpoint {
  columns: readonly string[]
  after: readonly string[] | null
  snapshot: string | null
  rows: number | null
}

export function encodeSqlCheckpoint(checkpoint: SqlCheckpoint): string {
  return JSON.stringify({
    v: 1,
    columns: checkpoint.columns,
    after: checkpoint.after,
    ...(checkpoint.snapshot === null ? {} : { snapshot: checkpoint.snapshot }),
    ...(checkpoint.rows === null ? {} : { rows: checkpoint.rows }),
  })
}

/**
 * Reads a checkpoint back for a source whose cursor is `columns`. A checkpoint of another cursor
 * (the options changed) or not of this source is a `config` error that says what to do.
 */
export function decodeSqlCheckpoint(text: string, columns: readonly string[], source: string): SqlCheckpoint {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = null
  }
  const c = value as { v?: unknown; columns?: unknown; after?: unknown; snapshot?: unknown; rows?: unknown } | null
  const strings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string')
  if (
    c === null ||
    typeof c !== 'object' ||
    c.v !== 1 ||
    !strings(c.columns) ||
    !(c.after === null || strings(c.after)) ||
    (c.snapshot !== undefined && typeof c.snapshot !== 'string') ||
    (c.rows !== undefined && !(Number.isSafeInteger(c.rows) && (c.rows as number) >= 0))
  ) {
    throw new TwinflowError(
      'config',
      `source "${source}": its checkpoint in the log is not a sql source's (${JSON.stringify(text.slice(0, 200))}); was another kind of source configured under this name? Give this one a new name.`,
    )
  }
  if (c.columns.join('\u0000') !== columns.join('\u0000') || (c.after !== null && c.after.length !== columns.length)) {
    throw new TwinflowError(
      'config',
      `source "${source}": its checkpoint is for the cursor (${c.columns.join(', ')}), the options say (${columns.join(', ')}). Restore the cursor options, or give the source a new name to read the table again from the start.`,
    )
  }
  return { columns, after: c.after, snapshot: c.snapshot ?? null, rows: (c.rows as number | undefined) ?? null }
}
