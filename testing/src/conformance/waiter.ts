/**
 * Waits for a condition on state that changes through `notify()` (no polling): `until(check)`
 * resolves as soon as `check()` is true, now or after a later `notify()`, and rejects after
 * `timeoutMs` with `what` in the message.
 */
export class Waiter {
  readonly #pending = new Set<() => void>()

  notify(): void {
    for (const check of [...this.#pending]) check()
  }

  until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(test)
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
      }, timeoutMs)
      const test = () => {
        if (!check()) return
        clearTimeout(timer)
        this.#pending.delete(test)
        resolve()
      }
      this.#pending.add(test)
    })
  }
}
