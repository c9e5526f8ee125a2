import { TwinflowError } from '../errors/twinflow-error.ts'

/** Tumbling window sizes on event time, UTC. */
export const WINDOW_SIZES = ['1m', '5m', '15m', '1h', '1d'] as const
export type WindowSize = (typeof WINDOW_SIZES)[number]

const MS: Record<WindowSize, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 }

export function windowMs(size: WindowSize): number {
  return MS[size]
}

export function parseWindowSize(value: string): WindowSize {
  if ((WINDOW_SIZES as readonly string[]).includes(value)) return value as WindowSize
  throw new TwinflowError('config', `window "${value}" is not one of ${WINDOW_SIZES.join(', ')}`)
}

/** Start of the window of `size` ms containing `time` (both epoch ms, time >= 0). */
export function windowStart(time: number, sizeMs: number): number {
  return time - (time % sizeMs)
}
