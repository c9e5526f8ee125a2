import type { Logger } from '@twinflow/core'

export interface ReadinessReport {
  ready: boolean
  /** Per runtime or component: whether it answered, and how long it took. */
  checks: Record<string, { ok: boolean; ms: number; error?: string }>
}

/**
 * Whether this process can do its work now: every runtime its roles use must answer a cheap
 * request within the timeout, and every component must not have failed. Failures are logged with
 * their details; the report names only the check and the error kind (it may be public).
 */
export class Readiness {
  readonly #checks: { name: string; probe: () => Promise<unknown> }[] = []

  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  add(name: string, probe: () => Promise<unknown>): void {
    this.#checks.push({ name, probe })
  }

  async check(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.#checks.map(async ({ name, probe }) => {
        const started = performance.now()
        let timer: NodeJS.Timeout | undefined
        try {
          await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs)))])
          return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const
        } catch (error) {
          this.logger.warn('readiness check failed', { check: name, error })
          const kind = (error as { kind?: unknown }).kind
          return [name, { ok: false, ms: Math.round(performance.now() - started), error: typeof kind === 'string' ? kind : 'timeout or error' }] as const
        } finally {
          clearTimeout(timer)
        }
      }),
    )
    return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) }
  }
}
