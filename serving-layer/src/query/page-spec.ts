import type { BucketOf, BucketSize, Scalar, ViewDef, WindowSelection } from '@twinflow/core'
import type { KeyFilter } from './key-filter.ts'
import type { RowOrder } from './row-order.ts'

/** What a pager needs of the page it reads for (SeriesPlan makes it). */
export interface PageSpec {
  view: ViewDef
  order: RowOrder
  keys: KeyFilter
  /** The answer's buckets, by the engine's name, and the functions of their starts. */
  bucket: BucketSize
  bucketOf: BucketOf
  nextBucket: (start: number) => number
  /** The sort values the page starts after (a nullable term's may be null); null: the first page. */
  after: readonly (Scalar | null)[] | null
  /** The page's rows and the one after it (limit + 1): that one tells whether a page follows. */
  rows: number
  /** Whether the answer's totalCount is asked for. */
  count: boolean
  maxScanRows: number
  /** Aborted when the request's deadline passes or its client goes: no further read is started. */
  signal?: AbortSignal
}

const LONE_SURROGATE = /\p{Cs}/u

/**
 * The selection of windows [from, to) of a page spec, in the batch engine's terms (its buckets and
 * key filter). A string with a lone surrogate is left out of the filter: it has no UTF-8 form, so
 * no batch row has it (and it has no SQL literal).
 */
export function selectionOf(spec: PageSpec, from: number, to: number): WindowSelection {
  const keys: Record<string, Scalar[]> = {}
  for (const [name, values] of Object.entries(spec.keys.values)) keys[name] = values.filter((v) => typeof v !== 'string' || !LONE_SURROGATE.test(v))
  return { from, to, bucket: spec.bucket, keys }
}

/** What makes two page reads of one range and buckets read the same: order, filter, cursor, size, count. */
export function pageKey(spec: PageSpec): string {
  return JSON.stringify([spec.order.terms, spec.keys.values, spec.after, spec.rows, spec.count])
}
