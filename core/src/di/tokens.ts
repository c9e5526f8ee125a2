import type { Channels } from '../channels/channels.ts'
import type { BatchEngine } from '../contracts/batch-engine.ts'
import type { ClickHouseDriver } from '../contracts/clickhouse-driver.ts'
import type { DeadLetterQueue } from '../contracts/dead-letter-queue.ts'
import type { EventLog } from '../contracts/event-log.ts'
import type { RealtimeStore } from '../contracts/realtime-store.ts'
import type { Scheduler } from '../contracts/scheduler.ts'
import type { Sink } from '../contracts/sink.ts'
import type { Source } from '../contracts/source.ts'
import type { Logger } from '../logging/logger.ts'
import type { ProcessService } from '../process/process-service.ts'
import type { Clock } from '../time/clock.ts'
import type { PiiMasking } from '../pii/pii-masking.ts'
import type { Pipeline } from '../view/define-pipeline.ts'
import { token } from './token.ts'

/** Service identifiers of the contracts in core. Layers define their own next to their services. */
export const TOKENS = {
  Clock: token<Clock>('core/clock'),
  Logger: token<Logger>('core/logger'),
  Pipeline: token<Pipeline>('core/pipeline'),
  /** The process's data directory (see PluginContext.dataDir). */
  DataDirectory: token<string>('core/data-directory'),
  EventLog: token<EventLog>('core/event-log'),
  ClickHouseDriver: token<ClickHouseDriver>('core/clickhouse-driver'),
  BatchEngine: token<BatchEngine>('core/batch-engine'),
  RealtimeStore: token<RealtimeStore>('core/realtime-store'),
  DeadLetterQueue: token<DeadLetterQueue>('core/dead-letter-queue'),
  /** The masking of the pipeline's personal fields (see PiiMasking): bound by the process; a layer built without it masks with no secret. */
  PiiMasking: token<PiiMasking>('core/pii-masking'),
  Scheduler: token<Scheduler>('core/scheduler'),
  /** Multi-binding: every configured source. */
  Source: token<Source>('core/source'),
  /** Multi-binding: every configured sink (notification channel). */
  Sink: token<Sink>('core/sink'),
  /** The delivery of notifications to the sinks: retries, dead letters, counts (see Channels). */
  Channels: token<Channels>('core/channels'),
  /** Multi-binding: every part of a process, each with the roles it serves and what it needs (see ProcessService). */
  Service: token<ProcessService>('core/service'),
} as const
