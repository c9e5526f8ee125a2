import { randomUUID } from 'node:crypto'
import type { BatchEngine, ReportRunRecord, RealtimeStore } from '@twinflow/core'
import type { ReportRunClaim, ReportRunLedger } from './report-run-ledger.ts'

export interface RuntimeReportRunLedgerOptions {
  /** How long a claim is held before another process may take the run over (a crash mid-run). */
  runLeaseMs: number
  /** How long a sent run stays claimed, so that no process sends it again. */
  keepRunsMs: number
}

/**
 * Report runs claimed with a lease in the realtime store (`report-run/<run id>`: one holder at a
 * time across processes) and recorded in the batch engine's report run history (durable, the same
 * from every process and after a restart). A run is claimable when no one holds its lease and its
 * record, if any, is not `sent`; once sent, the lease is kept `keepRunsMs` more, so a process that
 * ticks at the same time is turned away without a query. A crash mid-run leaves the lease to
 * expire after `runLeaseMs`, and the run can be sent again (at-least-once, same notification id).
 */
export class RuntimeReportRunLedger implements ReportRunLedger {
  /** This process's lease token. */
  readonly #token = `report-role-${randomUUID()}`

  constructor(
    private readonly store: RealtimeStore,
    private readonly engine: BatchEngine,
    private readonly options: RuntimeReportRunLedgerOptions,
  ) {}

  async claim(_report: string, runId: string): Promise<ReportRunClaim | null> {
    const lease = { name: `report-run/${runId}`, token: this.#token }
    if (!(await this.store.acquireLease(lease.name, lease.token, this.options.runLeaseMs))) return null
    let recorded: ReportRunRecord | null
    try {
      recorded = await this.engine.reportRun(runId)
    } catch (error) {
      await this.store.releaseLease(lease).catch(() => {})
      throw error
    }
    if (recorded?.status === 'sent') {
      await this.store.renewLease(lease, this.options.keepRunsMs)
      return null
    }
    return {
      finish: async (record) => {
        await this.engine.recordReportRun(record)
        if (record.status === 'sent') await this.store.renewLease(lease, this.options.keepRunsMs)
        else await this.store.releaseLease(lease)
      },
      release: () => this.store.releaseLease(lease),
    }
  }

  runs(report: string, limit: number): Promise<ReportRunRecord[]> {
    return this.engine.reportRuns(report, limit)
  }
}
