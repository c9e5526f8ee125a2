import { token } from '@twinflow/core'
import type { Archiver } from '../archiver/archiver.ts'
import type { BatchLayerEngine } from '../engine/batch-layer-engine.ts'
import type { BatchRunner } from '../runner/batch-runner.ts'
import type { BatchSchedule } from '../runner/batch-schedule.ts'
import type { ResolvedBatchLayerOptions } from './batch-layer-options.ts'

/** Service identifiers of the batch layer (core's TOKENS.BatchEngine resolves to `Engine` too). */
export const BATCH_TOKENS = {
  Options: token<ResolvedBatchLayerOptions>('batch-layer/options'),
  Engine: token<BatchLayerEngine>('batch-layer/engine'),
  Archiver: token<Archiver>('batch-layer/archiver'),
  Runner: token<BatchRunner>('batch-layer/runner'),
  Schedule: token<BatchSchedule>('batch-layer/schedule'),
} as const
