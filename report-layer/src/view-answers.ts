import type { Scalar } from '@twinflow/core'

/** Per key: the values its groups may have. */
export type KeyValues = Readonly<Record<string, readonly Scalar[]>>

interface Selection {
  view: string
  from: number
  to: number
  keyFilter: KeyValues
}

/** An answer's rows, keys and measures by name (`windowStart` in series rows), and the cutoff it was merged at. */
export interface AnswerRows {
  rows: Record<string, Scalar>[]
  cutoff: number | null
}

export interface SplitLines {
  windows: number[]
  series: { keys: Record<string, Scalar>; other: boolean; values: (Scalar | null)[] }[]
  cutoff: number | null
}

/**
 * Answers of views, read and merged exactly as the GraphQL API answers `<view>Top`, `<view>` and
 * `<view>Split` (the serving layer's plans over its view reader: batch below the cutoff, the speed
 * layer above it), without going through HTTP or GraphQL. Bound by the process's assembly.
 * Errors: `validation` for a query the API would refuse (a range over its limit), `unavailable`
 * when a runtime does not answer.
 */
export interface ViewAnswers {
  top(query: Selection & { by: string; direction: 'ASC' | 'DESC'; limit: number }): Promise<AnswerRows>
  series(query: Selection & { granularity: string; limit: number }): Promise<AnswerRows & { totalCount: number | null }>
  split(query: Selection & { granularity: string; measure: string; splitBy: readonly string[]; top: number }): Promise<SplitLines>
}
