import type { BatchEngine } from '../contracts/batch-engine'
import type { ClickHouseDriver } from '../contracts/clickhouse-driver'
import type { DeadLetterQueue } from '../contracts/dead-letter-queue'
import type { EventLog } from '../contracts/event-log'
import type { RealtimeStore } from '../contracts/realtime-store'
import type { Scheduler } from '../contracts/scheduler'
import type { Sink } from '../contracts/sink'
import type { Source } from '../contracts/source'
import type { Logger } from '../logging/logger'
import type { Clock } from '../time/clock'
import type { Pipeline } from '../view/define-pipeline'
import { token } from './token'

/** Service identifiers of the contracts in core. Layers define their own next to their services. */
export const TOKENS = {
  Clock: token<Clock>('core/clock'),
  Logger: token<Logger>('core/logger'),
  Pipeline: token<Pipeline>('core/pipeline'),
  EventLog: token<EventLog>('core/event-log'),
  ClickHouseDriver: token<ClickHouseDriver>('core/clickhouse-driver'),
  BatchEngine: token<BatchEngine>('core/batch-engine'),
  RealtimeStore: token<RealtimeStore>('core/realtime-store'),
  DeadLetterQueue: token<DeadLetterQueue>('core/dead-letter-queue'),
  Scheduler: token<Scheduler>('core/scheduler'),
  /** Multi-binding: every configured source. */
  Source: token<Source>('core/source'),
  /** Multi-binding: every configured sink. */
  Sink: token<Sink>('core/sink'),
} as const
