import { mergeRows, type BucketOf, type PartialRow, type ViewDef } from '@twinflow/core'
import type { KeyFilter } from './key-filter.ts'
import type { RestOfPage } from './batch-pager.ts'
import { snapshotRows } from './view-snapshot.ts'

/**
 * The rows of a snapshot that pass the key filter, merged into buckets (`bucketOf`, the buckets the
 * snapshot was read for). With nothing filtered, the snapshot's realtime rows are merged into its
 * merged batch rows (only the realtime rows are looked up); a filter selects from all of them.
 */
export function mergeSnapshot(view: ViewDef, snapshot: RestOfPage, keys: KeyFilter, bucketOf: BucketOf): PartialRow[] {
  if (!keys.filters) return mergeRows(view, snapshot.rows, bucketOf, snapshot.merged ?? undefined)
  return mergeRows(view, keys.select(snapshotRows(snapshot)), bucketOf)
}
