import type { Scalar, WindowSize } from '@twinflow/core'

/** A read of one view: rows with from <= windowStart < to, at a granularity, filtered by keys. */
export interface ViewQuery {
  view: string
  from: number
  to: number
  granularity?: WindowSize
  /** Per key: the allowed values (equals is a one-value list). */
  keyFilter?: Record<string, readonly Scalar[]>
}

/** A merged answer with the time boundary it was merged at. */
export interface ViewAnswer {
  rows: Record<string, Scalar>[]
  /** Windows before this came from the batch version; at or after, from the speed layer. Null: no batch published yet. */
  cutoff: number | null
  version: number | null
  granularity: WindowSize
}
