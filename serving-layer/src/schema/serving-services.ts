import type { AlertGroupState, BatchEngine, DeadLetterQueue, Pipeline, ReportDef } from '@twinflow/core'
import type { ChangeFeed } from '../live/change-feed.ts'
import type { AnswerLimits } from '../query/answer-limits.ts'
import type { ReadSession } from '../read/read-session.ts'
import type { StreamStats } from '../read/stream-stats.ts'

/** What the resolvers use, besides the request context. */
export interface ServingServices {
  pipeline: Pipeline
  batch: BatchEngine
  deadLetters: DeadLetterQueue
  feed: ChangeFeed
  /** Rates and lag per partition of the streams. */
  streams: StreamStats
  limits: AnswerLimits & { maxSubscriptions: number }
  /** A fresh set of batched reads (each subscription push reads with its own). */
  newSession(): ReadSession
  /** The alert rules this deployment runs (`alerts.rules`: name → channels), and the states the alert role keeps. */
  alerts?: {
    channels(rule: string): readonly string[] | null
    states(): Promise<AlertGroupState[]>
  }
  /** Counts reads per view and form, for metrics. */
  onViewRead?(view: string, form: 'series' | 'top' | 'split' | 'live'): void
  /** Open subscriptions changed by `delta`. */
  onSubscriptions?(delta: 1 | -1): void
  /** The channels a report is sent to (the config may replace its declaration's). @default its declaration's */
  reportChannels?(report: ReportDef): readonly string[]
}
