import type { AlertDef } from './define-alert.ts'

/** The windows a rule evaluates at `now`: the last `rangeMs` of windows, the current one (still filling) included. */
export function alertRange(rule: Pick<AlertDef, 'rangeMs' | 'view'>, now: number): { from: number; to: number } {
  const to = now - (now % rule.view.windowMs) + rule.view.windowMs
  return { from: to - rule.rangeMs, to }
}

/** The change from `before` to `now` as a ratio of |before| (0.5: +50 %); null when before is 0 or either is missing. */
export function changeRatio(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null
  return (now - before) / Math.abs(before)
}

/**
 * How many standard deviations `value` is from the mean of `samples` (the sample standard
 * deviation, n − 1); null when fewer than two samples have a value, or they are all equal.
 */
export function zScore(value: number | null, samples: readonly (number | null)[]): number | null {
  if (value === null) return null
  const xs = samples.filter((x): x is number => x !== null)
  if (xs.length < 2) return null
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)
  const sd = Math.sqrt(variance)
  if (!(sd > 0)) return null
  return (value - mean) / sd
}

/** Whether a compared value breaks the rule (a missing value never does). */
export function breaksRule(rule: Pick<AlertDef, 'direction' | 'threshold'>, value: number | null): boolean {
  if (value === null) return false
  return rule.direction === 'above' ? value > rule.threshold : value < rule.threshold
}

/** A measure's value as a number the rules can compare: null for a missing, non-numeric or non-finite one. */
export function comparable(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}
