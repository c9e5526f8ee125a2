import { token } from '@twinflow/core'
import type { AlertEvaluator } from './alerts/alert-evaluator.ts'
import type { ResolvedAlertOptions } from './alerts/alert-options.ts'
import type { Authenticator } from './auth/authenticator.ts'
import type { ServingServer } from './http/serving-server.ts'
import type { ServingMetrics } from './http/serving-metrics.ts'
import type { ChangeFeed } from './live/change-feed.ts'
import type { InProcessAnswers } from './query/in-process-answers.ts'
import type { BatchPartCache } from './read/batch-part-cache.ts'
import type { ViewReader } from './read/view-reader.ts'
import type { ResolvedServingOptions } from './serving-layer-options.ts'

/** Service identifiers of the serving layer. */
export const SERVING_TOKENS = {
  Options: token<ResolvedServingOptions>('serving-layer/options'),
  BatchPartCache: token<BatchPartCache>('serving-layer/batch-part-cache'),
  ViewReader: token<ViewReader>('serving-layer/view-reader'),
  ChangeFeed: token<ChangeFeed>('serving-layer/change-feed'),
  Metrics: token<ServingMetrics>('serving-layer/metrics'),
  Server: token<ServingServer>('serving-layer/server'),
  /** The views' answers for code in the process (reports, alerts), read and merged as the API's. */
  Answers: token<InProcessAnswers>('serving-layer/answers'),
  /** Who a request is, by `serving.auth` (the API's, and the metrics' on the serving port); null when `mode` is `none`. */
  Authenticator: token<Authenticator | null>('serving-layer/authenticator'),
  /** The alert role's options (`alerts`): which rules run and where they notify (bound by alertsModule). */
  AlertOptions: token<ResolvedAlertOptions>('serving-layer/alert-options'),
  AlertEvaluator: token<AlertEvaluator>('serving-layer/alert-evaluator'),
} as const
