import { TwinflowError } from '@twinflow/core'

/**
 * A 64-bit integer from JSONEachRow: servers quote them ("123") by default, chdb may not. Values
 * beyond 2^53 cannot be a JS number exactly and are refused rather than rounded.
 */
export function decodeInt64(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n
  throw new TwinflowError('internal', `${what}: expected a 64-bit integer within ±2^53, got ${JSON.stringify(value)}`)
}
