import { monthStart, TwinflowError, windowMs, WINDOW_SIZES, type BucketOf, type ViewDef } from '@twinflow/core'

/** Bucket sizes of an answer: the window sizes, then UTC calendar months. */
export const GRANULARITIES = [...WINDOW_SIZES, '1mo'] as const
export type Granularity = (typeof GRANULARITIES)[number]

/** GraphQL names of the granularities (enum values cannot start with a digit). */
export const GRANULARITY_NAMES: Record<Granularity, string> = {
  '1m': 'MINUTE',
  '5m': 'FIVE_MINUTES',
  '15m': 'FIFTEEN_MINUTES',
  '1h': 'HOUR',
  '1d': 'DAY',
  '1mo': 'MONTH',
}

/** Whether every bucket of `granularity` is a whole number of `viewWindowMs` windows. */
function holdsWholeWindows(granularity: Granularity, viewWindowMs: number): boolean {
  // A month is a whole number of days, and every window size divides a day.
  if (granularity === '1mo') return 86_400_000 % viewWindowMs === 0
  const size = windowMs(granularity)
  return size >= viewWindowMs && size % viewWindowMs === 0
}

/** Granularities a view can be read at: its window, or any coarser one made of whole windows, up to a month. */
export function granularitiesOf(view: ViewDef): Granularity[] {
  return GRANULARITIES.filter((g) => holdsWholeWindows(g, view.windowMs))
}

/** The function that maps a window start to the start of its bucket. */
export function bucketOf(granularity: Granularity): BucketOf {
  if (granularity === '1mo') return monthStart
  const size = windowMs(granularity)
  return (start) => start - (start % size)
}

/** The function that maps a bucket's start to the start of the bucket after it. */
export function nextBucketOf(granularity: Granularity): (start: number) => number {
  if (granularity === '1mo') {
    return (start) => {
      const date = new Date(start)
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    }
  }
  const size = windowMs(granularity)
  return (start) => start + size
}

/** Checks a requested granularity against a view and returns its bucket function; the error says what is allowed. */
export function checkGranularity(view: ViewDef, granularity: Granularity): BucketOf {
  if (!(GRANULARITIES as readonly string[]).includes(granularity) || !holdsWholeWindows(granularity, view.windowMs)) {
    const allowed = granularitiesOf(view).map((g) => GRANULARITY_NAMES[g])
    const name = GRANULARITY_NAMES[granularity] ?? JSON.stringify(granularity)
    throw new TwinflowError('validation', `granularity ${name} is finer than the window of view "${view.name}" (${view.window}); use one of ${allowed.join(', ')}`, {
      context: { view: view.name, granularity },
    })
  }
  return bucketOf(granularity)
}
