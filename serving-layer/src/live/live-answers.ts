import type { ChangeFeed } from './change-feed.ts'

/** What a subscription pushes: an answer, or the error of a read (the subscription goes on). */
export type LiveResult<T> = { answer: T } | { error: unknown }

/**
 * The answers of a subscription: the first at once, then a new one each time the change feed says
 * the view may have changed AND the answer differs from the last one pushed. Changes that arrive
 * during a read are coalesced into one more read. `return()` (the client went away) unsubscribes
 * at once, even while waiting for a change.
 */
export class LiveAnswers<T> implements AsyncIterableIterator<LiveResult<T>> {
  #dirty = true
  #done = false
  #wake: (() => void) | null = null
  #last: string | null = null
  readonly #unsubscribe: () => void

  constructor(
    feed: ChangeFeed,
    view: string,
    private readonly read: () => Promise<T>,
    private readonly signature: (answer: T) => string,
    private readonly onEnd: () => void = () => {},
  ) {
    this.#unsubscribe = feed.subscribe(view, () => {
      this.#dirty = true
      this.#wake?.()
    })
  }

  async next(): Promise<IteratorResult<LiveResult<T>>> {
    while (!this.#done) {
      if (!this.#dirty) {
        await new Promise<void>((resolve) => (this.#wake = resolve))
        this.#wake = null
        continue
      }
      this.#dirty = false
      let result: LiveResult<T>
      let signature: string
      try {
        const answer = await this.read()
        result = { answer }
        signature = this.signature(answer)
      } catch (error) {
        result = { error }
        signature = `error: ${error instanceof Error ? error.message : String(error)}`
      }
      if (this.#done) break
      if (signature !== this.#last) {
        this.#last = signature
        return { value: result, done: false }
      }
    }
    return { value: undefined, done: true }
  }

  async return(): Promise<IteratorResult<LiveResult<T>>> {
    if (!this.#done) {
      this.#done = true
      this.#unsubscribe()
      this.onEnd()
    }
    this.#wake?.()
    return { value: undefined, done: true }
  }

  async throw(error: unknown): Promise<IteratorResult<LiveResult<T>>> {
    await this.return()
    throw error
  }

  [Symbol.asyncIterator](): this {
    return this
  }
}
