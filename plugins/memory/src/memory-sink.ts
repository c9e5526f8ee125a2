import { NOTIFICATION_KINDS, TwinflowError, type FencedBatch, type Notification, type NotificationKind, type Sink } from '@twinflow/core'

/**
 * A channel that keeps every notification delivered to it, in order (for development, tests and
 * tools): view changes, alert events and reports. It can be told to fail its next deliveries, to
 * rehearse what a flaky or broken destination does.
 */
export class MemorySink implements Sink {
  readonly name: string
  readonly accepts: readonly NotificationKind[] = NOTIFICATION_KINDS
  readonly #delivered: Notification[] = []
  readonly #failures: unknown[] = []
  readonly #listeners = new Set<(notification: Notification) => void>()
  #connected = false

  constructor(name = 'memory') {
    this.name = name
  }

  async connect(): Promise<void> {
    this.#connected = true
  }

  async close(): Promise<void> {
    this.#connected = false
  }

  async deliver(notification: Notification, signal?: AbortSignal): Promise<void> {
    if (!this.#connected) throw new TwinflowError('unavailable', `sink "${this.name}" is not connected (call connect() first)`, { retriable: false })
    signal?.throwIfAborted()
    if (this.#failures.length > 0) throw this.#failures.shift()
    this.#delivered.push(structuredClone(notification))
    for (const listener of [...this.#listeners]) listener(structuredClone(notification))
  }

  /** Calls `listener` after each delivery it keeps; returns the function that removes it. */
  onDeliver(listener: (notification: Notification) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Makes the next `times` deliveries reject with `error` (and keep nothing). */
  failNextDeliveries(error: unknown, times = 1): void {
    for (let i = 0; i < times; i++) this.#failures.push(error)
  }

  /** Every notification delivered so far, oldest first (redeliveries included). */
  notifications(): readonly Notification[] {
    return structuredClone(this.#delivered)
  }

  /** The view changes delivered so far, oldest first. */
  batches(): readonly FencedBatch[] {
    return structuredClone(this.#delivered.flatMap((n) => (n.kind === 'view-changes' ? [n.batch] : [])))
  }
}
