import { performance } from 'node:perf_hooks'
import { TwinflowError, type Clock, type HttpEndpoint, type IngestOutcome, type Logger, type Source, type SourceBatch, type SourceMessage } from '@twinflow/core'
import type { HttpSourceOptions } from './http-source-options.ts'
import { IdempotencyTable, type KeyRecord, REMEMBERED_REJECTIONS } from './idempotency-table.ts'
import type { IngestRequest, RequestResult } from './ingest-request.ts'
import { ingestRoute } from './ingest-route.ts'
import type { RejectedLine } from './rejected-line.ts'

/** A slice of a request's messages in a batch: messages `start` to `end` of `request`, at `base` in the batch. */
interface Part {
  request: IngestRequest
  start: number
  end: number
  base: number
}

/** What a batch's outcome does to its requests, computed once for `checkpointAfter` and `ack`. */
interface Settlement {
  parts: { part: Part; accepted: number; rejected: RejectedLine[] }[]
  keys: KeyRecord[]
  now: number
}

/** Where the source is, for a request that comes now. */
export type SourceStatus = 'starting' | 'ready' | 'log-unavailable' | 'stopped'

/**
 * The `http` source: a push source whose input is `POST <path>` requests (see ingestRoute). Each
 * request's messages are queued whole; `read` takes the queued requests in order into one batch
 * (up to `maxBatchEvents` and `maxBatchBytes`, a larger request over several batches), so that many
 * concurrent requests become few log appends; `ack` gives each request its share of the outcome,
 * and the request is answered when all its messages are acked.
 * Idempotency keys live in the checkpoint (IdempotencyTable), which the log saves with each batch
 * that carries a keyed request: `connect` restores them, so a retry after a restart is recognized.
 * Nothing else is durable: a request is answered only once the log holds its events, so a client
 * whose request failed (503, a lost connection) retries it, with its key to have it appended once.
 */
export class HttpSource implements Source {
  readonly http: HttpEndpoint
  #state: 'new' | 'connected' | 'closed' = 'new'
  #table: IdempotencyTable
  readonly #queue: IngestRequest[] = []
  /** Body bytes of the requests not answered yet (queued or in a batch). */
  #pendingBytes = 0
  /** Keyed requests not answered yet, by key id: a retry joins them. */
  readonly #live = new Map<string, IngestRequest>()
  /** When the batch being appended was read (performance.now), or null. */
  #inFlightSince: number | null = null
  #inFlight: Part[] = []
  #wake: (() => void) | null = null

  constructor(
    readonly name: string,
    readonly stream: string,
    readonly options: HttpSourceOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.#table = new IdempotencyTable(options.idempotency)
    this.http = { routes: [ingestRoute(this, options, clock, logger)] }
  }

  async connect(checkpoint: string | null): Promise<void> {
    if (this.#state === 'closed') throw new TwinflowError('internal', `source ${this.name} is closed`)
    const { table, problem } = IdempotencyTable.restore(checkpoint, this.options.idempotency)
    if (problem !== null) this.logger.warn('the idempotency keys of the checkpoint cannot be read; starting without them', { problem })
    this.#table = table
    this.#state = 'connected'
    this.logger.info('receiving events over HTTP', { path: this.http.routes[0]!.path, idempotencyKeys: table.size })
  }

  /** How a request that comes now is received (`log-unavailable`: a batch has waited longer than ackTimeoutMs). */
  status(): SourceStatus {
    if (this.#state === 'new') return 'starting'
    if (this.#state === 'closed') return 'stopped'
    if (this.#inFlightSince !== null && performance.now() - this.#inFlightSince > this.options.ackTimeoutMs) return 'log-unavailable'
    return 'ready'
  }

  /** Body bytes of the requests not answered yet. */
  get pendingBytes(): number {
    return this.#pendingBytes
  }

  /** The unanswered request with this key id, or the record of an answered (or cut off) one. */
  lookup(keyId: string): { live: IngestRequest } | { record: KeyRecord } | null {
    const live = this.#live.get(keyId)
    if (live) return { live }
    const record = this.#table.get(keyId, this.clock.now())
    return record ? { record } : null
  }

  /** Queues a request (with at least one message) for the log. */
  enqueue(request: IngestRequest): void {
    if (this.#state !== 'connected') throw new TwinflowError('internal', `source ${this.name} is not receiving`)
    this.#queue.push(request)
    this.#pendingBytes += request.body.bytes
    if (request.key) this.#live.set(request.key.id, request)
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }

  /**
   * Resolves with what became of the request: done once all its messages are acked; after
   * `timeoutMs`, not appended (it was still queued: it is dropped) or unconfirmed (some of it was
   * handed to the log: it goes on, and a retry with its key joins it).
   */
  wait(request: IngestRequest, timeoutMs: number): Promise<RequestResult> {
    return new Promise((resolve) => {
      const listener = (result: RequestResult) => {
        clearTimeout(timer)
        resolve(result)
      }
      const timer = setTimeout(() => {
        request.listeners.delete(listener)
        if (request.untouched && this.#drop(request)) {
          request.settle({ kind: 'not-appended', why: 'log-unavailable' })
          resolve({ kind: 'not-appended', why: 'log-unavailable' })
        } else resolve({ kind: 'unconfirmed' })
      }, timeoutMs)
      request.listeners.add(listener)
    })
  }

  async read(signal: AbortSignal): Promise<SourceBatch> {
    while (this.#queue.length === 0) {
      if (this.#state !== 'connected') throw new TwinflowError('internal', `source ${this.name} is ${this.#state === 'new' ? 'not connected' : 'closed'}`)
      signal.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          this.#wake = null
          reject(signal.reason)
        }
        signal.addEventListener('abort', onAbort, { once: true })
        this.#wake = () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
      })
    }
    const parts = this.#take()
    this.#inFlight = parts
    this.#inFlightSince = performance.now()
    const messages = messagesOf(parts)
    let settlement: { outcome: IngestOutcome; value: Settlement } | null = null
    const settle = (outcome: IngestOutcome): Settlement => {
      if (settlement?.outcome !== outcome) settlement = { outcome, value: this.#settle(parts, outcome) }
      return settlement.value
    }
    const keyed = parts.some((p) => p.request.key !== null)
    return {
      messages,
      // Only a batch with a keyed request changes the keys: the others save no checkpoint (the log keeps the last one).
      ...(keyed ? { checkpointAfter: (outcome: IngestOutcome) => this.#table.checkpoint(settle(outcome).keys, settle(outcome).now) } : {}),
      ack: async (outcome) => this.#ack(parts, settle(outcome)),
    }
  }

  /** Answers every request not answered yet (503: the source stopped). Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    const requests = new Set([...this.#inFlight.map((p) => p.request), ...this.#queue])
    this.#queue.length = 0
    this.#inFlight = []
    this.#inFlightSince = null
    this.#live.clear()
    this.#pendingBytes = 0
    for (const request of requests) request.settle(request.untouched ? { kind: 'not-appended', why: 'source-stopped' } : { kind: 'unconfirmed' })
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }

  /** Takes queued requests in order, whole or in part, up to the batch limits (at least one message). */
  #take(): Part[] {
    const { maxBatchEvents, maxBatchBytes } = this.options
    const parts: Part[] = []
    let events = 0
    let bytes = 0
    while (this.#queue.length > 0 && events < maxBatchEvents && bytes < maxBatchBytes) {
      const request = this.#queue[0]!
      const sizes = request.body.sizes
      const start = request.next
      let end = start
      while (end < request.total && events < maxBatchEvents && (events === 0 || bytes + sizes[end]! <= maxBatchBytes)) {
        bytes += sizes[end]!
        events++
        end++
      }
      if (end === start) break
      parts.push({ request, start, end, base: events - (end - start) })
      request.next = end
      if (end < request.total) break
      this.#queue.shift()
    }
    return parts
  }

  /** Each part's accepted count and rejected lines, and the keyed requests' records after the batch. */
  #settle(parts: Part[], outcome: IngestOutcome): Settlement {
    const now = this.clock.now()
    const rejected = outcome.rejected
    let r = 0
    const settled = parts.map((part) => {
      const { request, start, end, base } = part
      const lines: RejectedLine[] = []
      const stop = base + (end - start)
      while (r < rejected.length && rejected[r]!.index < stop) {
        const { index, reason } = rejected[r++]!
        if (index < base) continue
        const i = start + (index - base)
        const indexes = request.body.indexes
        lines.push(indexes === null ? { line: request.body.lines[i]!, reason } : { line: request.body.lines[i]!, index: indexes[i]!, reason })
      }
      return { part, accepted: end - start - lines.length, rejected: lines }
    })
    const keys: KeyRecord[] = []
    for (const { part, accepted, rejected: lines } of settled) {
      const { request } = part
      if (request.key === null) continue
      keys.push({
        id: request.key.id,
        body: request.key.body,
        at: request.key.at,
        done: request.done + (part.end - part.start),
        total: request.total,
        accepted: request.accepted + accepted,
        rejected: [...request.rejected.slice(0, REMEMBERED_REJECTIONS), ...lines.slice(0, REMEMBERED_REJECTIONS)],
        rejectedCount: request.rejectedCount + lines.length,
      })
    }
    return { parts: settled, keys, now }
  }

  #ack(parts: Part[], settlement: Settlement): void {
    if (this.#inFlight !== parts) return // closed meanwhile: its requests were answered
    this.#inFlight = []
    this.#inFlightSince = null
    this.#table.apply(settlement.keys, settlement.now)
    for (const { part, accepted, rejected } of settlement.parts) {
      const { request } = part
      request.done += part.end - part.start
      request.accepted += accepted
      for (const line of rejected) request.rejected.push(line)
      request.rejectedCount += rejected.length
      if (!request.complete) continue
      this.#pendingBytes -= request.body.bytes
      if (request.key) this.#live.delete(request.key.id)
      request.settle({ kind: 'done', accepted: request.accepted, rejected: request.rejected, rejectedCount: request.rejectedCount })
    }
  }

  /** Takes a request none of which was handed to the log out of the queue; false if it is not there. */
  #drop(request: IngestRequest): boolean {
    const i = this.#queue.indexOf(request)
    if (i < 0) return false
    this.#queue.splice(i, 1)
    this.#pendingBytes -= request.body.bytes
    if (request.key) this.#live.delete(request.key.id)
    return true
  }
}

/** The batch's messages: the parts' slices, in order (a request taken whole is not copied). */
function messagesOf(parts: readonly Part[]): SourceMessage[] {
  if (parts.length === 1) {
    const { request, start, end } = parts[0]!
    return start === 0 && end === request.total ? request.body.messages : request.body.messages.slice(start, end)
  }
  const messages: SourceMessage[] = []
  for (const { request, start, end } of parts) for (let i = start; i < end; i++) messages.push(request.body.messages[i]!)
  return messages
}
