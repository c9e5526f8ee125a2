/**
 * Reads `read` every 100 ms until `ok(value)` holds and resolves with that value; past `timeoutMs`
 * it rejects with `what` and the last value read, so a timeout names the real difference.
 */
export async function pollUntil<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
