import { token } from '@twinflow/core'
import type { ResolvedReportLayerOptions } from './report-layer-options.ts'
import type { ReportRunLedger } from './run/report-run-ledger.ts'
import type { ReportRunner } from './run/report-runner.ts'
import type { ReportSchedule } from './run/report-schedule.ts'
import type { ViewAnswers } from './view-answers.ts'

/** Service identifiers of the report layer. The assembly binds ViewAnswers (the serving layer's answers). */
export const REPORT_TOKENS = {
  Options: token<ResolvedReportLayerOptions>('report-layer/options'),
  ViewAnswers: token<ViewAnswers>('report-layer/view-answers'),
  Ledger: token<ReportRunLedger>('report-layer/ledger'),
  Runner: token<ReportRunner>('report-layer/runner'),
  Schedule: token<ReportSchedule>('report-layer/schedule'),
} as const
