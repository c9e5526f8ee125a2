import type { ReadBody } from './read-body.ts'
import type { RejectedLine } from './rejected-line.ts'

/** What became of a request's events, as its client is answered. */
export type RequestResult =
  /** Every message is in the log or rejected: the outcome (all rejected inputs; `rejectedCount` may be higher for an outcome remembered by key). */
  | { kind: 'done'; accepted: number; rejected: RejectedLine[]; rejectedCount: number }
  /** Not confirmed in time, but some of its events were handed to the log: they may still be appended. */
  | { kind: 'unconfirmed' }
  /** Not one of its events was handed to the log (timed out in the queue, or the source closed first). */
  | { kind: 'not-appended'; why: 'log-unavailable' | 'source-stopped' }

/**
 * A request's messages on their way to the log: queued, taken into batches in order (`next`),
 * acknowledged (`done`), its outcome gathered across the batches that held it. A request retried
 * with its idempotency key after a restart resumes at `from`.
 */
export class IngestRequest {
  /** The first message this process sends (after those a previous attempt appended). */
  readonly from: number
  next: number
  done: number
  accepted: number
  rejected: RejectedLine[]
  rejectedCount: number
  readonly listeners = new Set<(result: RequestResult) => void>()

  constructor(
    /** Names it in dead letters' positions, the answer and logs. */
    readonly id: string,
    readonly body: ReadBody,
    /** The idempotency key's id and the body's hash, for a keyed request. */
    readonly key: { id: string; body: string; at: number } | null,
    /** Messages already in the log (a keyed request resumed after a restart) and their outcome so far. */
    resumed: { done: number; accepted: number; rejected: RejectedLine[]; rejectedCount: number } | null = null,
  ) {
    this.from = resumed?.done ?? 0
    this.next = this.from
    this.done = this.from
    this.accepted = resumed?.accepted ?? 0
    this.rejected = resumed ? [...resumed.rejected] : []
    this.rejectedCount = resumed?.rejectedCount ?? 0
  }

  get total(): number {
    return this.body.messages.length
  }

  get complete(): boolean {
    return this.done === this.total
  }

  /** Whether none of its messages was handed to the log by this process (it may be dropped). */
  get untouched(): boolean {
    return this.next === this.from
  }

  settle(result: RequestResult): void {
    for (const listener of [...this.listeners]) listener(result)
    this.listeners.clear()
  }
}
