import { open, readFile, type FileHandle } from 'node:fs/promises'
import { TwinflowError, type Notification, type NotificationKind, type Sink, type ViewChangesNotification } from '@twinflow/core'

/**
 * A channel of view changes: appends each batch the speed layer applied, as its notification (one
 * JSON line: `kind`, `id`, `createdAt`, `batch`), to a file. Delivery to a channel is at-least-once
 * (a batch may come again after a crash); this sink makes it exactly once per log offset: it remembers, per (topic, partition), the last offset it wrote (read back
 * from the file at connect) and skips what it already has. A batch that overlaps what it has (the
 * log redelivered with other boundaries) is written from the offset after it, which only the
 * realtime store's fences can compute: this sink writes it whole and says so in the line
 * (`"overlap": true`), so a reader can tell.
 * Errors: a write that fails (disk full, permissions) rejects with a retriable `unavailable` error:
 * Twinflow retries it with backoff, then dead-letters it; the speed layer goes on either way.
 */
export class NdjsonSink implements Sink {
  readonly accepts: readonly NotificationKind[] = ['view-changes']
  #file: FileHandle | null = null
  readonly #written = new Map<string, number>()

  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  async connect(): Promise<void> {
    if (this.#file) return
    try {
      this.#file = await open(this.path, 'a')
      this.#written.clear()
      const text = await readFile(this.path, 'utf8')
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue
        const { batch } = JSON.parse(line) as ViewChangesNotification
        const key = `${batch.topic}\u0000${batch.partition}`
        this.#written.set(key, Math.max(this.#written.get(key) ?? -1, batch.lastOffset))
      }
    } catch (error) {
      await this.close()
      throw new TwinflowError('unavailable', `sink "${this.name}" cannot open ${this.path}: ${(error as Error).message}`, { cause: error, context: { path: this.path } })
    }
  }

  async deliver(notification: Notification, signal: AbortSignal): Promise<void> {
    const file = this.#file
    if (!file) throw new TwinflowError('unavailable', `sink "${this.name}" is not connected (call connect() first)`, { retriable: false })
    if (notification.kind !== 'view-changes') throw new TwinflowError('validation', `sink "${this.name}" takes view changes only, not ${notification.kind}`)
    signal.throwIfAborted()
    const { batch } = notification
    const key = `${batch.topic}\u0000${batch.partition}`
    const last = this.#written.get(key) ?? -1
    if (batch.lastOffset <= last) return
    const line = `${JSON.stringify(batch.firstOffset <= last ? { ...notification, overlap: true } : notification)}\n`
    try {
      await file.appendFile(line)
    } catch (error) {
      throw new TwinflowError('unavailable', `sink "${this.name}" could not append to ${this.path}: ${(error as Error).message}`, { cause: error, context: { path: this.path } })
    }
    this.#written.set(key, batch.lastOffset)
  }

  async close(): Promise<void> {
    const file = this.#file
    this.#file = null
    await file?.close()
  }
}
