import type { PartialRow, Publication } from '@twinflow/core'

/**
 * What one read of a view returned: the partial rows of the windows with from <= windowStart < to
 * (batch rows below the cutoff, speed rows from it on; only the groups of the read's key selection
 * when it named one, not otherwise filtered by key) and the publication they were merged at. When the read named buckets, some batch rows may already be merged into
 * them (their windowStart is the bucket's). Rows may be shared with a cache: never mutate them.
 */
export interface ViewSnapshot {
  view: string
  from: number
  to: number
  publication: Publication | null
  rows: readonly PartialRow[]
}
