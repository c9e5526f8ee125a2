import { TwinflowError, type ViewDef } from '@twinflow/core'

const iso = (time: number) => new Date(time).toISOString()

/** Checks a time range: valid, not reversed or empty, not wider than `maxRangeMs`. */
export function checkRange(view: ViewDef, from: number, to: number, maxRangeMs: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) {
    throw new TwinflowError('validation', 'from and to must be times at or after 1970-01-01T00:00:00Z')
  }
  if (from > to) throw new TwinflowError('validation', `the time range is reversed: from ${iso(from)} is after to ${iso(to)}`, { context: { view: view.name } })
  if (from === to) throw new TwinflowError('validation', `the time range is empty: from and to are both ${iso(from)} (to is exclusive)`, { context: { view: view.name } })
  if (to - from > maxRangeMs) {
    const days = (to - from) / 86_400_000
    throw new TwinflowError('validation', `the time range spans ${days.toFixed(2)} days; the limit is ${maxRangeMs / 86_400_000} days per query`, {
      context: { view: view.name },
    })
  }
}

/** Checks a row count argument (`limit`): an integer from 1 to `max`. */
export function checkCount(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new TwinflowError('validation', `${name} must be an integer from 1 to ${max}, got ${value}`)
  }
  return value
}
