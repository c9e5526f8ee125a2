import type { BatchEngine, DeadLetterQueue, Pipeline } from '@twinflow/core'
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
  /** Counts reads per view and form, for metrics. */
  onViewRead?(view: string, form: 'series' | 'top' | 'split' | 'live'): void
  /** Open subscriptions changed by `delta`. */
  onSubscriptions?(delta: 1 | -1): void
}
