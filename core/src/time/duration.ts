import { TwinflowError } from '../errors/twinflow-error.ts'

/** Milliseconds, or a number with a unit: '90s', '15m', '1h', '1d', '1w'. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const

/**
 * A duration in ms: a whole number of milliseconds >= 0, or a string such as '90s', '15m', '1h',
 * '1d', '1w'. Anything else is a `config` error that names `what` (e.g. `alert "drop": for`).
 */
export function parseDuration(value: unknown, what: string): number {
  const fail = (): never => {
    throw new TwinflowError(
      'config',
      `${what}: ${JSON.stringify(value)} is not a duration; write milliseconds (e.g. 90000) or a number with a unit: '90s', '15m', '1h', '1d', '1w'`,
    )
  }
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : fail()
  if (typeof value !== 'string') return fail()
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value.trim())
  if (!match) return fail()
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  return Number.isSafeInteger(ms) ? ms : fail()
}

/** A duration in words, the largest unit it is a whole number of: 3_600_000 → '1h'. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`
  return `${ms}ms`
}
