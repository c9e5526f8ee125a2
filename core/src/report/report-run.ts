/** What became of one run of a report (`defineReport`): the record the report role keeps of it. */
export interface ReportRunRecord {
  /** The run's id: its notification's id (`report/<name>/<scheduled time, ISO>`), one per report and scheduled time. */
  runId: string
  report: string
  /** The time the run was scheduled for (epoch ms); a run on demand: when it was asked for. */
  scheduledAt: number
  /** `sent`: every channel has it, or its dead letter; `failed`: the report could not be read (nothing was sent). */
  status: 'sent' | 'failed'
  /** `schedule`; `catch-up`: a run missed while no process ran the role, sent late; `manual`: `twinflow report run`. */
  trigger: 'schedule' | 'catch-up' | 'manual'
  late: boolean
  startedAt: number
  finishedAt: number
  /** The windows the report covered: from <= windowStart < to (null when it could not be read). */
  period: { from: number; to: number } | null
  deliveries: { channel: string; status: 'delivered' | 'dead-lettered'; attempts: number }[]
  error: string | null
}
