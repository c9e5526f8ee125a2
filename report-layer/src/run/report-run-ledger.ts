import type { ReportRunRecord } from '@twinflow/core'

/** A run claimed by this process: it must `finish` it (recorded, never run again) or `release` it (another may run it). */
export interface ReportRunClaim {
  finish(record: ReportRunRecord): Promise<void>
  release(): Promise<void>
}

/**
 * Where report runs are claimed and recorded, shared by every process that runs the `report`
 * role and kept across restarts: the run of a report at one scheduled time is sent once, whoever
 * runs it, however often the process restarts.
 */
export interface ReportRunLedger {
  /**
   * Claims the run `runId` of `report` (its notification id: one per report and scheduled time)
   * for this process: null when it was sent already, or another process is sending it now. A run
   * recorded as `failed` may be claimed again. A claim not finished nor released (a crash) is
   * given up after a while, and the run may then be sent again: at-least-once, with the same
   * notification id.
   */
  claim(report: string, runId: string): Promise<ReportRunClaim | null>
  /** The report's recorded runs, newest first. */
  runs(report: string, limit: number): Promise<ReportRunRecord[]>
}
