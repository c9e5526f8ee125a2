/** A value of an incremental cursor field: what the API puts in its records and takes back as a query parameter. */
export type CursorValue = string | number

const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/

/**
 * Orders cursor values: numbers by value; strings that are ISO-8601 times by the instant they
 * name (`2026-03-01T10:00:00+01:00` before `2026-03-01T09:30:00Z`); other strings by code unit;
 * a number before a string. Negative when `a` comes first, 0 for the same value or instant.
 */
export function compareCursor(a: CursorValue, b: CursorValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  if (ISO_TIME.test(a) && ISO_TIME.test(b)) {
    const ta = Date.parse(a)
    const tb = Date.parse(b)
    if (Number.isFinite(ta) && Number.isFinite(tb)) return ta - tb
  }
  return a < b ? -1 : a > b ? 1 : 0
}

/** A record's cursor value: a finite number or a non-empty string; null for anything else. */
export function asCursor(value: unknown): CursorValue | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value !== '') return value
  return null
}
