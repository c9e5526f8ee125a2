/**
 * Polls `read` until `done(value)` holds or `timeoutMs` passes; returns the last value read (the
 * caller asserts on it, so a timeout fails with the real difference). Errors of `read` count as
 * "not yet" until the deadline, then are rethrown.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const value = await read()
      if (done(value) || Date.now() > deadline) return value
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
