/** Milliseconds, or a number with a unit: '500ms', '90s', '15m', '1h', '2d'. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

export function durationMs(duration: Duration): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration)) throw new TypeError(`not a duration: ${duration}`)
    return duration
  }
  const match = /^(-?\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration)
  if (!match) throw new TypeError(`not a duration: ${JSON.stringify(duration)} (e.g. 500, '90s', '15m', '1h', '1d')`)
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}
