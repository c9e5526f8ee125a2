import { TwinflowError, windowMs, WINDOW_SIZES, type ViewDef, type WindowSize } from '@twinflow/core'

/** GraphQL names of the granularities (enum values cannot start with a digit). */
export const GRANULARITY_NAMES: Record<WindowSize, string> = {
  '1m': 'MINUTE',
  '5m': 'FIVE_MINUTES',
  '15m': 'FIFTEEN_MINUTES',
  '1h': 'HOUR',
  '1d': 'DAY',
}

/** Granularities a view can be read at: its window or any coarser one that is a multiple of it. */
export function granularitiesOf(view: ViewDef): WindowSize[] {
  return WINDOW_SIZES.filter((g) => windowMs(g) >= view.windowMs && windowMs(g) % view.windowMs === 0)
}

/** Checks a requested granularity against a view; errors say what is allowed. */
export function checkGranularity(view: ViewDef, granularity: WindowSize): number {
  const allowed = granularitiesOf(view)
  if (!allowed.includes(granularity)) {
    throw new TwinflowError(
      'validation',
      `granularity ${GRANULARITY_NAMES[granularity]} is finer than view "${view.name}" (window ${view.window}); use one of ${allowed.map((g) => GRANULARITY_NAMES[g]).join(', ')}`,
    )
  }
  return windowMs(granularity)
}
