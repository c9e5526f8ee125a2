import { createHash } from 'node:crypto'
import { TwinflowError, type Scalar, type ValueKind } from '@twinflow/core'

/** A short digest of what defines a query's row sequence (view, range, filter, granularity, order). */
export function queryFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16)
}

/** An opaque cursor: the sort values of the last row of a page, bound to its query. */
export function encodeCursor(fingerprint: string, values: readonly (Scalar | null)[]): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, v: values })).toString('base64url')
}

const NOT_A_CURSOR = 'after is not a cursor returned by this API (use pageInfo.endCursor of the previous page)'

/** Whether a value read from a cursor is one of this kind (int and time: safe integers; float: finite numbers), or null where the term can be. */
function fits(value: unknown, kind: ValueKind, nullable: boolean): boolean {
  if (value === null) return nullable
  switch (kind) {
    case 'string':
      return typeof value === 'string'
    case 'bool':
      return typeof value === 'boolean'
    case 'int':
    case 'time':
      return Number.isSafeInteger(value)
    case 'float':
      return typeof value === 'number' && Number.isFinite(value)
  }
}

/**
 * The sort values a cursor records, one per sort term, each checked against its term's kind
 * (`kinds`; null only where `nullable`): a malformed cursor, one whose values were altered to another type, or one from
 * another query, is a `validation` error. A cursor is not signed: any values of the right kinds
 * are a place in the query's order to start a page from, as a filter is, and are safe to compare.
 */
export function decodeCursor(cursor: string, fingerprint: string, kinds: readonly ValueKind[], nullable: readonly boolean[] = []): (Scalar | null)[] {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    decoded = null
  }
  const body = decoded as { q?: unknown; v?: unknown } | null
  const valid =
    typeof body === 'object' &&
    body !== null &&
    typeof body.q === 'string' &&
    Array.isArray(body.v) &&
    body.v.length === kinds.length &&
    body.v.every((x, i) => fits(x, kinds[i]!, nullable[i] === true))
  if (!valid) throw new TwinflowError('validation', NOT_A_CURSOR)
  if (body.q !== fingerprint) {
    throw new TwinflowError('validation', 'after is a cursor of another query: keep the view, range, filter, granularity and order of the query that returned it')
  }
  return body.v as (Scalar | null)[]
}

/** The `validation` error of a cursor whose values are of the right kinds but cannot be a row's (a window start off the buckets). */
export function notACursor(): TwinflowError {
  return new TwinflowError('validation', NOT_A_CURSOR)
}
