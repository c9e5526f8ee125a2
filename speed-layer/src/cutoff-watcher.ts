import type { Clock, Logger, RealtimeStore } from '@twinflow/core'
import type { CutoffSource } from './cutoff-source.ts'

export interface CutoffWatcherDeps {
  source: CutoffSource
  store: RealtimeStore
  /** Names of the views to watch. */
  views: readonly string[]
  clock: Clock
  logger: Logger
  /** How often to read the cutoffs again, in ms. */
  refreshIntervalMs: number
  /**
   * Resolves when the batches that may have been evaluated with the previous cutoffs are done, so
   * that they cannot write groups below a cutoff after its drop. @default resolves at once
   */
  settle?: () => Promise<void>
  /** Called with every failure to read a cutoff or to drop (each is retried at the next refresh). */
  onError?: (error: unknown) => void
}

/**
 * Keeps each view's published cutoff for the speed layer, re-read every `refreshIntervalMs`.
 * When a cutoff advances it is first marked in the store (`markCutoff`: readers of the realtime
 * windows check the mark), then it takes effect at once for new batches, and once the batches in flight
 * are settled, the realtime groups below it are dropped (`store.dropBefore`). A failed drop is
 * tried again at the next refresh. A cutoff never moves back here: a lower publication is logged
 * and ignored, because the realtime groups below the higher one are already gone.
 */
export class CutoffWatcher {
  readonly #deps: CutoffWatcherDeps
  readonly #cutoffs = new Map<string, number>()
  readonly #dropped = new Map<string, number>()
  #refreshing: Promise<void> = Promise.resolve()
  #controller: AbortController | null = null
  #loop: Promise<void> | null = null

  constructor(deps: CutoffWatcherDeps) {
    this.#deps = deps
  }

  /** The view's known cutoff: events of windows before it are skipped. `-Infinity` when none is published yet. */
  cutoff(view: string): number {
    return this.#cutoffs.get(view) ?? -Infinity
  }

  /** Reads the cutoffs once (now), then keeps refreshing them until `stop()`. */
  async start(): Promise<void> {
    if (this.#loop) return
    await this.refresh()
    const controller = new AbortController()
    this.#controller = controller
    this.#loop = this.#run(controller.signal)
  }

  async stop(): Promise<void> {
    this.#controller?.abort()
    await this.#loop
    await this.#refreshing
    this.#controller = null
    this.#loop = null
  }

  /** Reads every view's cutoff now and drops what fell below an advanced one. Never rejects; refreshes run one at a time. */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(() => this.#refreshOnce())
    return this.#refreshing
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#deps.clock.sleep(this.#deps.refreshIntervalMs, signal)
      } catch {
        return
      }
      await this.refresh()
    }
  }

  async #refreshOnce(): Promise<void> {
    const { source, logger } = this.#deps
    let advanced = false
    for (const view of this.#deps.views) {
      let cutoff: number | null
      try {
        cutoff = await source.currentCutoff(view)
      } catch (error) {
        this.#report(error, 'reading the published cutoff failed; keeping the previous one', view)
        continue
      }
      if (cutoff === null) continue
      const known = this.#cutoffs.get(view)
      if (known !== undefined && cutoff < known) {
        logger.warn('published cutoff moved back; keeping the higher one', { view, cutoff, known })
        continue
      }
      if (known === undefined || cutoff > known) {
        // Announced before it takes effect: readers at an older cutoff then know to read again.
        try {
          await this.#deps.store.markCutoff(view, cutoff)
        } catch (error) {
          this.#report(error, 'marking the new cutoff in the realtime store failed; keeping the previous one', view)
          continue
        }
        this.#cutoffs.set(view, cutoff)
        advanced = true
        logger.info('published cutoff advanced', { view, cutoff, previous: known ?? null })
      }
    }
    const due = this.#deps.views.filter((v) => this.#cutoffs.has(v) && this.#cutoffs.get(v)! > (this.#dropped.get(v) ?? -Infinity))
    if (due.length === 0) return
    if (advanced) await this.#deps.settle?.()
    for (const view of due) {
      const cutoff = this.#cutoffs.get(view)!
      try {
        const groups = await this.#deps.store.dropBefore(view, cutoff)
        this.#dropped.set(view, cutoff)
        logger.info('dropped realtime windows below the cutoff', { view, cutoff, groups })
      } catch (error) {
        this.#report(error, 'dropping realtime windows below the cutoff failed; will retry', view)
      }
    }
  }

  #report(error: unknown, message: string, view: string): void {
    this.#deps.logger.warn(message, { error, view })
    this.#deps.onError?.(error)
  }
}
