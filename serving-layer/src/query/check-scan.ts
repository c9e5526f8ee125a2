import { TwinflowError } from '@twinflow/core'
import { snapshotSize, type ViewSnapshot } from './view-snapshot.ts'

/** Refuses to merge more partial rows than the limit: a query that wide must be narrowed. */
export function checkScan(snapshot: ViewSnapshot, maxScanRows: number): void {
  const size = snapshotSize(snapshot)
  if (size > maxScanRows) {
    throw new TwinflowError(
      'validation',
      `this query reads ${size} partial rows of view "${snapshot.view}"; the limit is ${maxScanRows}: narrow the time range or filter on keys`,
      { context: { view: snapshot.view } },
    )
  }
}
