import type { CutoffSource } from '../cutoff-source.ts'

/**
 * A cutoff source whose cutoffs the test sets: the publications a batch layer would make, given
 * as test input (tests do not need a batch engine to say where the speed layer's windows start).
 */
export class SettableCutoffSource implements CutoffSource {
  readonly #cutoffs = new Map<string, number>()
  readonly #failures: unknown[] = []
  reads = 0

  set(view: string, cutoff: number): void {
    this.#cutoffs.set(view, cutoff)
  }

  /** Makes the next read reject with `error`, as an unreachable batch layer would. */
  failNextRead(error: unknown): void {
    this.#failures.push(error)
  }

  async currentCutoff(view: string): Promise<number | null> {
    this.reads++
    if (this.#failures.length > 0) throw this.#failures.shift()
    return this.#cutoffs.get(view) ?? null
  }
}
