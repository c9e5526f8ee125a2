import { TwinflowError } from '@twinflow/core'
import { snapshotSize, type ViewSnapshot } from './view-snapshot.ts'

/** Refuses to merge more partial rows than the limit: a query that wide must be narrowed. */
export function checkScan(snapshot: ViewSnapshot, maxScanRows: number): void {
  checkScanned(snapshot.view, snapshotSize(snapshot) + (snapshot.share?.scanned ?? 0), maxScanRows)
}

/** Refuses a query of `view` that has read more partial rows than the limit. */
export function checkScanned(view: string, size: number, maxScanRows: number): void {
  if (size > maxScanRows) {
    throw new TwinflowError('validation', `this query reads ${size} partial rows of view "${view}"; the limit is ${maxScanRows}: narrow the time range or filter on keys`, {
      context: { view },
    })
  }
}
