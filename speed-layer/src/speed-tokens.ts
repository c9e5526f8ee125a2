import { token } from '@twinflow/core'
import type { CutoffSource } from './cutoff-source'
import type { ResolvedSpeedLayerOptions } from './speed-layer-options'
import type { SpeedWorker } from './speed-worker'

/** Service identifiers of the speed layer. */
export const SPEED_TOKENS = {
  Options: token<ResolvedSpeedLayerOptions>('speed-layer/options'),
  CutoffSource: token<CutoffSource>('speed-layer/cutoff-source'),
  Worker: token<SpeedWorker>('speed-layer/worker'),
} as const
