import { createHash } from 'node:crypto'
import { asCursor, compareCursor } from './compare-cursor.ts'
import type { JsonPath } from './json-path.ts'
import type { Watermark } from './poll-checkpoint.ts'

export interface IncrementalRule {
  field: JsonPath
  /** The record's identity among those with the same cursor value; null: its whole JSON. */
  key: JsonPath | null
  maxKeys: number
}

export interface IncrementalResult {
  /** Whether each record is delivered. */
  keep: boolean[]
  /** The highest value delivered, with the keys at it. */
  high: Watermark | null
  /** Keys at the highest value were more than maxKeys: some were not remembered. */
  overflow: boolean
}

/**
 * Incremental polling without doubles. A poll asks the API for records at or after `since` (an
 * inclusive filter), so records at exactly `since` come again: those whose key is among
 * `since.keys` were delivered and are dropped, as is any record before `since` (an API that
 * ignores the filter). Every other record is delivered once, and `high` (starting as `since`)
 * becomes the highest value delivered with the keys delivered at it: the next poll's `since`.
 * A record without a usable value (not a number or a non-empty string) is delivered and moves nothing.
 * Assumes the poll's pages hold still: a record the API inserts before the page being read (an
 * offset into a list that changes) is skipped by the poll, and then falls under the new `since`.
 */
export function filterIncremental(records: readonly unknown[], rule: IncrementalRule, since: Watermark | null, high: Watermark | null): IncrementalResult {
  const keep: boolean[] = []
  let top = high === null ? null : { value: high.value, keys: new Set(high.keys) }
  let overflow = false
  const seen = since === null ? null : new Set(since.keys)
  for (const record of records) {
    const value = asCursor(rule.field(record))
    if (value === null) {
      keep.push(true)
      continue
    }
    const key = keyOf(record, rule.key)
    if (since !== null) {
      const c = compareCursor(value, since.value)
      if (c < 0 || (c === 0 && seen!.has(key))) {
        keep.push(false)
        continue
      }
    }
    keep.push(true)
    const c = top === null ? 1 : compareCursor(value, top.value)
    if (c > 0) top = { value, keys: new Set([key]) }
    else if (c === 0 && !top!.keys.has(key)) {
      if (top!.keys.size < rule.maxKeys) top!.keys.add(key)
      else overflow = true
    }
  }
  return { keep, high: top === null ? null : { value: top.value, keys: [...top.keys] }, overflow }
}

/** A record's key, hashed to 16 hex digits (they go in the checkpoint). */
function keyOf(record: unknown, key: JsonPath | null): string {
  const value = key === null ? record : key(record)
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined')
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
