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
  totalCount: number
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
