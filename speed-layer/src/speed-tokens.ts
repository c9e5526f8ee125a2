import { token } from '@twinflow/core'
import type { CutoffSource } from './cutoff-source.ts'
import type { ResolvedSpeedLayerOptions } from './speed-layer-options.ts'
import type { SpeedWorker } from './speed-worker.ts'

/** Service identifiers of the speed layer. */
export const SPEED_TOKENS = {
  Options: token<ResolvedSpeedLayerOptions>('speed-layer/options'),
  CutoffSource: token<CutoffSource>('speed-layer/cutoff-source'),
  Worker: token<SpeedWorker>('speed-layer/worker'),
} as const
