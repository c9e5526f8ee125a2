import type { BatchEngine, Clock, Logger, Pipeline, RealtimeStore } from '@twinflow/core'

export interface ChangeFeedOptions {
  /** How often the speed layer's progress and the publications are read while anyone listens. @default 1000 */
  pollIntervalMs?: number
  /** The speed layer's consumer group: its progress is recorded under this name. @default 'twinflow-speed' */
  speedGroupId?: string
}

export interface ChangeFeedDeps {
  pipeline: Pipeline
  realtime: RealtimeStore
  batch: BatchEngine
  clock: Clock
  logger: Logger
}

/**
 * Tells listeners when a view may have changed. While anyone listens, it polls the speed layer's
 * recorded progress for the topic of each watched view's stream (which moves after every applied
 * log batch) and each watched view's publication (which moves after every batch run). One poll
 * serves every listener, and it works across processes: the progress lives in the realtime store.
 * A key seen for the first time counts as changed, so a listener never misses a change that
 * happened between its own first read and the first poll.
 */
export class ChangeFeed {
  readonly #listeners = new Map<string, Set<() => void>>()
  readonly #seen = new Map<string, string>()
  readonly #options: Required<ChangeFeedOptions>
  #abort: AbortController | null = null
  #loop: Promise<void> | null = null
  #failing = false

  constructor(
    private readonly deps: ChangeFeedDeps,
    options: ChangeFeedOptions = {},
  ) {
    this.#options = { pollIntervalMs: options.pollIntervalMs ?? 1000, speedGroupId: options.speedGroupId ?? 'twinflow-speed' }
  }

  /** Number of listeners now. */
  get size(): number {
    let n = 0
    for (const set of this.#listeners.values()) n += set.size
    return n
  }

  /** Calls `listener` whenever `view` may have changed; returns the function that stops it. */
  subscribe(view: string, listener: () => void): () => void {
    this.deps.pipeline.view(view)
    const set = this.#listeners.get(view) ?? new Set()
    set.add(listener)
    this.#listeners.set(view, set)
    if (!this.#loop) {
      const abort = new AbortController()
      this.#abort = abort
      this.#loop = this.#run(abort.signal)
    }
    return () => {
      set.delete(listener)
      if (set.size === 0) this.#listeners.delete(view)
      if (this.#listeners.size === 0) void this.stop()
    }
  }

  /** Stops polling (listeners stay registered; the next subscribe polls again). */
  async stop(): Promise<void> {
    const loop = this.#loop
    this.#abort?.abort()
    this.#abort = null
    this.#loop = null
    await loop
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.#poll()
      try {
        await this.deps.clock.sleep(this.#options.pollIntervalMs, signal)
      } catch {
        return
      }
    }
  }

  async #poll(): Promise<void> {
    const views = [...this.#listeners.keys()]
    const topics = [...new Set(views.map((v) => this.deps.pipeline.view(v).stream.topic))]
    try {
      const [progress, publications] = await Promise.all([
        Promise.all(topics.map((t) => this.deps.realtime.progress(this.#options.speedGroupId, t))),
        Promise.all(views.map((v) => this.deps.batch.currentPublication(v))),
      ])
      const changed = new Set<string>()
      topics.forEach((topic, i) => this.#compare(`topic\u0000${topic}`, JSON.stringify([...progress[i]!].sort((a, b) => a[0] - b[0])), changed))
      views.forEach((view, i) => this.#compare(`view\u0000${view}`, String(publications[i]?.version ?? 0), changed))
      this.#failing = false
      for (const view of views) {
        if (!changed.has(`view\u0000${view}`) && !changed.has(`topic\u0000${this.deps.pipeline.view(view).stream.topic}`)) continue
        for (const listener of [...(this.#listeners.get(view) ?? [])]) listener()
      }
    } catch (error) {
      if (!this.#failing) this.deps.logger.warn('cannot read the speed layer progress or the publications for subscriptions; retrying', { error })
      this.#failing = true
    }
  }

  #compare(key: string, signature: string, changed: Set<string>): void {
    if (this.#seen.get(key) !== signature) changed.add(key)
    this.#seen.set(key, signature)
  }
}
