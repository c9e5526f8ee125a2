/** The innermost `cause` of an error (kafkajs wraps a broker's error in its retrier's), at most 10 deep. */
export function rootCause(error: unknown): unknown {
  let e = error
  for (let depth = 0; depth < 10 && e && typeof e === 'object' && 'cause' in e && (e as { cause?: unknown }).cause; depth++) e = (e as { cause: unknown }).cause
  return e
}
