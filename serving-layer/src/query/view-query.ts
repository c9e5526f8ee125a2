import type { MeasureValue, Publication, Scalar } from '@twinflow/core'
import type { Granularity } from './granularity.ts'

export type SortDirection = 'ASC' | 'DESC'

/** One sort term: `windowStart`, a key or a measure of the view. */
export interface OrderTerm {
  field: string
  direction: SortDirection
}

/** What every read of a view has: which windows (from <= windowStart < to) and which groups. */
export interface ViewSelection {
  view: string
  from: number
  to: number
  /** Per key: the allowed values (equals is a one-value list). */
  keyFilter?: Readonly<Record<string, readonly Scalar[]>>
}

/** A time series of a view: rows per bucket and group, ordered, one page at a time. */
export interface SeriesQuery extends ViewSelection {
  /** @default the view's window */
  granularity?: Granularity
  /** Applied in order; ties are always broken by window start, then the keys. @default windowStart ASC */
  orderBy?: readonly OrderTerm[]
  /** Page size. @default the server's default row count */
  limit?: number
  /** The `endCursor` of the previous page of the same query. */
  after?: string | null
}

/** The groups of a view ranked by one measure, totalled over the whole range. */
export interface TopQuery extends ViewSelection {
  by: string
  /** @default 'DESC' */
  direction?: SortDirection
  /** How many groups. */
  limit: number
}

/** An answer row: window start, keys and measures (null where a nullable key or measure is; quantile values as objects). */
export type AnswerRow = Record<string, MeasureValue>

/** What an answer was merged from: the batch publication (windows < its cutoff), the speed layer for the rest. */
export interface AnswerSource {
  view: string
  publication: Publication | null
}

export interface SeriesAnswer extends AnswerSource {
  rows: AnswerRow[]
  /** Rows of the whole answer; null when it was not asked for (a page read counts only when asked). */
  totalCount: number | null
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  granularity: Granularity
}

export interface TopAnswer extends AnswerSource {
  rows: AnswerRow[]
  from: number
  to: number
  by: string
  direction: SortDirection
}

/**
 * A series rolled up for a chart: the groups of the `splitBy` keys (the other keys merged), the
 * `top` of them by one measure totalled over the range, and every other group merged into one.
 */
export interface SplitQuery extends ViewSelection {
  /** @default the view's window */
  granularity?: Granularity
  /** The measure charted and ranked by. */
  measure: string
  /** The keys that make a group; [] charts the view's total. @default every key of the view */
  splitBy?: readonly string[]
  /** How many groups get their own series; the rest make `other`. */
  top: number
  /** DESC: the groups with the highest totals. @default 'DESC' */
  direction?: SortDirection
}

/** One charted group: its keys (by name), its total over the range and its value per window of `windows`. */
export interface SplitSeries {
  keys: Record<string, Scalar | null>
  other: boolean
  /** The measure over the range (null: a nullable measure that saw no value). */
  total: Scalar | null
  /** Aligned with the answer's `windows`; null where the group has no row in that window. */
  values: (Scalar | null)[]
}

export interface SplitAnswer extends AnswerSource {
  granularity: Granularity
  measure: string
  splitBy: readonly string[]
  /** Bucket starts that have a row of any group, ascending. */
  windows: number[]
  /** The top groups best first, then `other` when any group was left out. */
  series: SplitSeries[]
  /** Groups in the answer before the cut to `top`. */
  groupCount: number
}
