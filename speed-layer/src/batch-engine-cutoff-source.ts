import type { BatchEngine } from '@twinflow/core'
import type { CutoffSource } from './cutoff-source.ts'

/** The production cutoff source: the batch engine's current publication of each view. */
export class BatchEngineCutoffSource implements CutoffSource {
  readonly #engine: BatchEngine

  constructor(engine: BatchEngine) {
    this.#engine = engine
  }

  async currentCutoff(view: string): Promise<number | null> {
    return (await this.#engine.currentPublication(view))?.cutoff ?? null
  }
}
