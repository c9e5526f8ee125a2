import { Worker } from 'node:worker_threads'
import { TwinflowError, type LogBatch, type Logger, type Pipeline } from '@twinflow/core'
import type { BatchFolder, FoldOutcome } from './batch-folder'
import type { FoldRequest, FoldThreadData, FoldThreadMessage } from './fold-thread-messages'
import { packRecords } from './packed-records'
import { pipelineFingerprint } from './pipeline-fingerprint'
import { FoldError, type StreamFold } from './stream-fold'

export interface FoldPoolOptions {
  threads: number
  /** The pipeline the process runs; each thread imports `pipelineModule` and must find the same one. */
  pipeline: Pipeline
  /** File URL of the pipeline module. */
  pipelineModule: string
  maxEventBytes: number
  logger: Logger
}

interface Pending {
  resolve: (outcome: FoldOutcome) => void
  reject: (error: unknown) => void
}

interface FoldThread {
  worker: Worker
  /** Resolves when the thread has loaded the pipeline; rejects if it cannot. */
  ready: Promise<void>
  pending: Map<number, Pending>
}

const ENTRY = new URL('./fold-thread-entry.mjs', import.meta.url)

/**
 * Fold threads: the first pass of each batch (decode, validate, evaluate every view, pre-aggregate)
 * runs in one of `threads` worker threads, so that it overlaps the event loop's work (fetching,
 * the store's apply, commits). A batch's payloads are copied into one transferred buffer; the
 * thread answers with the batch's deltas, dead letters (by record index), skipped pairs and newest
 * event times. Each batch goes to the thread with the fewest batches in flight.
 *
 * Lifecycle: `start()` spawns the threads and resolves when each has imported the pipeline module
 * and found the pipeline the process runs (else it rejects with a `config` error that says what
 * differs or failed); `close()` terminates them. A thread that dies rejects its batches in flight
 * with a retriable `unavailable` error (the log redelivers them) and is replaced; one that could
 * not load the pipeline is not, and every batch sent to it rejects with that `config` error.
 */
export class FoldPool implements BatchFolder {
  readonly #options: FoldPoolOptions
  readonly #fingerprint: string
  readonly #threads: FoldThread[] = []
  #nextId = 0
  #closed = false

  constructor(options: FoldPoolOptions) {
    if (!Number.isSafeInteger(options.threads) || options.threads < 1) throw new TwinflowError('internal', `a fold pool needs at least one thread, got ${options.threads}`)
    this.#options = options
    this.#fingerprint = pipelineFingerprint(options.pipeline)
  }

  get threads(): number {
    return this.#options.threads
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#options.threads; i++) this.#threads.push(this.#spawn(i))
    const started = await Promise.allSettled(this.#threads.map((t) => t.ready))
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) {
      await this.close()
      throw (failed as PromiseRejectedResult).reason
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    const threads = this.#threads.splice(0)
    for (const thread of threads) this.#rejectAll(thread, new TwinflowError('unavailable', 'the fold threads were closed while folding a batch'))
    await Promise.all(threads.map((t) => t.worker.terminate()))
  }

  async fold(fold: StreamFold, batch: LogBatch, cutoffs: readonly number[]): Promise<FoldOutcome> {
    if (this.#closed || this.#threads.length === 0) throw new TwinflowError('unavailable', 'the fold threads are not running')
    let thread = this.#threads[0]!
    for (const t of this.#threads) if (t.pending.size < thread.pending.size) thread = t
    await thread.ready
    const id = this.#nextId++
    const packed = packRecords(batch.records)
    const request: FoldRequest = { id, stream: fold.stream.name, cutoffs: [...cutoffs], ...packed }
    return new Promise<FoldOutcome>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject })
      thread.worker.postMessage(request, [packed.bytes, packed.ends.buffer, packed.offsets.buffer])
    })
  }

  #spawn(index: number): FoldThread {
    const data: FoldThreadData = { pipelineModule: this.#options.pipelineModule, maxEventBytes: this.#options.maxEventBytes }
    const worker = new Worker(ENTRY, { workerData: data, name: `twinflow-fold-${index}` })
    const pending = new Map<number, Pending>()
    let settle!: { resolve: () => void; reject: (error: unknown) => void }
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
    ready.catch(() => {}) // observed by start() or by the fold that awaits it
    const thread: FoldThread = { worker, ready, pending }
    let lastError: unknown = null
    let started = false
    worker.on('message', (message: FoldThreadMessage) => {
      switch (message.type) {
        case 'ready':
          if (message.fingerprint === this.#fingerprint) {
            started = true
            settle.resolve()
          } else settle.reject(new TwinflowError('config', `speed layer: the fold threads import the pipeline module ${this.#options.pipelineModule}, and it declares other streams or views than the pipeline this process runs: make the config's "pipeline" name the module of the pipeline you run, or set speed.foldThreads to 0`))
          return
        case 'init-failed':
          settle.reject(new TwinflowError('config', `speed layer: a fold thread ${message.message}; fix the module, or set speed.foldThreads to 0 to fold on the event loop`))
          return
        case 'result':
        case 'failed': {
          const waiting = pending.get(message.id)
          if (!waiting) return
          pending.delete(message.id)
          if (message.type === 'result') waiting.resolve(message.outcome)
          else waiting.reject(threadFailure(message))
        }
      }
    })
    worker.on('error', (error) => {
      lastError = error
    })
    worker.on('exit', (code) => {
      const error = new TwinflowError('unavailable', `fold thread ${index} exited (code ${code})${lastError ? `: ${(lastError as Error).message}` : ''}`, lastError ? { cause: lastError } : {})
      settle.reject(error)
      this.#rejectAll(thread, error)
      // A thread that never started is not replaced: its successor would fail the same way.
      const at = this.#threads.indexOf(thread)
      if (this.#closed || !started || at < 0) return
      this.#options.logger.error('a fold thread died; starting another', { error })
      this.#threads[at] = this.#spawn(index)
    })
    return thread
  }

  #rejectAll(thread: FoldThread, error: unknown): void {
    for (const waiting of thread.pending.values()) waiting.reject(error)
    thread.pending.clear()
  }
}

/** What a fold thread threw, rebuilt: a `FoldError`, or an `Error` with its message and stack (what folding on the event loop throws). */
function threadFailure(message: Extract<FoldThreadMessage, { type: 'failed' }>): Error {
  const cause = new Error(message.message)
  if (message.stack !== undefined) cause.stack = message.stack
  return message.view !== undefined && message.offset !== undefined ? new FoldError(message.view, message.offset, cause) : cause
}
