import type { MergedRows, PartialRow, Publication } from '@twinflow/core'
import type { BatchShare } from './batch-pager.ts'

/**
 * What one read of a view returned: the partial rows of the windows with from <= windowStart < to
 * (batch rows below the cutoff, speed rows from it on; only the groups of the read's key selection
 * when it named one, not otherwise filtered by key) and the publication they were merged at.
 *
 * When the read named buckets, the batch rows come in `merged`, merged into those buckets and
 * indexed (shared with the batch cache), and `rows` holds the realtime rows; otherwise `rows`
 * holds them all. Rows may be shared with a cache: never mutate them.
 *
 * A page read (one with a pager) holds in `merged` and `rows` only the part of the range from its
 * batch-only windows on (the straddling bucket and the realtime rows); `share` is what its pager
 * took of the batch-only windows.
 */
export interface ViewSnapshot {
  view: string
  from: number
  to: number
  publication: Publication | null
  merged: MergedRows | null
  rows: readonly PartialRow[]
  share?: BatchShare
}

/** How many partial rows a snapshot holds (merged ones included). */
export function snapshotSize(snapshot: ViewSnapshot): number {
  return (snapshot.merged?.rows.length ?? 0) + snapshot.rows.length
}

/** Every partial row of a snapshot, merged ones first. */
export function snapshotRows(snapshot: Pick<ViewSnapshot, 'merged' | 'rows'>): readonly PartialRow[] {
  return snapshot.merged ? [...snapshot.merged.rows, ...snapshot.rows] : snapshot.rows
}
