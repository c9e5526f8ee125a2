import { createHash } from 'node:crypto'
import { TwinflowError, type Scalar } from '@twinflow/core'

/** A short digest of what defines a query's row sequence (view, range, filter, granularity, order). */
export function queryFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16)
}

/** An opaque cursor: the sort values of the last row of a page, bound to its query. */
export function encodeCursor(fingerprint: string, values: readonly Scalar[]): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, v: values })).toString('base64url')
}

/** The sort values a cursor records; a malformed cursor, or one from another query, is a `validation` error. */
export function decodeCursor(cursor: string, fingerprint: string, arity: number): Scalar[] {
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
    body.v.length === arity &&
    body.v.every((x) => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)))
  if (!valid) throw new TwinflowError('validation', 'after is not a cursor returned by this API (use pageInfo.endCursor of the previous page)')
  if (body.q !== fingerprint) {
    throw new TwinflowError('validation', 'after is a cursor of another query: keep the view, range, filter, granularity and order of the query that returned it')
  }
  return body.v as Scalar[]
}
