import { Worker } from 'node:worker_threads'
import { TwinflowError, type LogBatch, type Logger, type Pipeline } from '@twinflow/core'
import type { BatchFolder, FoldOutcome } from './batch-folder.ts'
import type { FoldRequest, FoldThreadData, FoldThreadMessage } from './fold-thread-messages.ts'
import { packRecords } from './packed-records.ts'
import { fingerprintDifferences, pipelineFingerprint, type PipelineFingerprint } from './pipeline-fingerprint.ts'
import { FoldError, type StreamFold } from './stream-fold.ts'

export interface FoldPoolOptions {
  threads: number
  /** The pipeline the process runs; each thread imports `pipelineModule` and must find the same one. */
  pipeline: Pipeline
  /** File URL of the pipeline module. */
  pipelineModule: string
  /** File URLs each thread imports, in order, before the pipeline module (loader registrations). */
  preload: readonly string[]
  maxEventBytes: number
  /** The masking secret of personal fields, for the threads' folds (see PiiMasking). @default null */
  piiSecret?: string | null
  logger: Logger
  /**
   * How long a thread with batches to fold may go without answering before it is terminated (its
   * batches reject with a retriable error) and replaced: a fold that never returns.
   */
  foldTimeoutMs: number
}

interface Pending {
  resolve: (outcome: FoldOutcome) => void
  reject: (error: unknown) => void
}

interface FoldThread {
  worker: Worker
  /** Resolves when the thread has loaded the pipeline; rejects if it cannot, or exits first. */
  ready: Promise<void>
  pending: Map<number, Pending>
  /** When the thread was spawned (performance.now()). */
  spawnedAt: number
  /** Whether the thread has loaded the pipeline. */
  loaded: boolean
  /** Batches posted to the thread and not answered yet (a batch whose fold was aborted included: the thread still folds it). */
  posted: number
  /** When the thread last answered, or was posted a batch while it had none (performance.now()). */
  busySince: number
  /** Set when the watchdog terminates the thread: what its batches reject with. */
  stuck: TwinflowError | null
}

// The compiled entry beside this module; where this module runs as TypeScript source (the test
// suite), a bootstrap that loads the entry's source through tsx, resolving packages to source.
const FROM_SOURCE = import.meta.url.endsWith('.ts')
const ENTRY = new URL(FROM_SOURCE ? './fold-thread-entry.source.mjs' : './fold-thread-entry.js', import.meta.url)
const EXEC_ARGV = FROM_SOURCE ? ['--conditions=twinflow-source'] : []
/** Deaths of threads in a row, with no batch folded in between, after which the pool gives up. */
const MAX_DEATHS = 3
/** How long a thread may take to load the pipeline module (`start()` waits that long at most). */
const LOAD_TIMEOUT_MS = 60_000

/**
 * Fold threads: the first pass of each batch (decode, validate, evaluate every view, pre-aggregate)
 * runs in one of `threads` worker threads, so that it overlaps the event loop's work (fetching,
 * the store's apply, commits). A batch's payloads are copied into one transferred buffer; the
 * thread answers with the batch's deltas, dead letters (by record index), skipped pairs and newest
 * event times. Each batch goes to the thread with the fewest batches in flight; a thread folds its
 * batches one at a time, in the order sent.
 *
 * Lifecycle: `start()` spawns the threads and resolves when each has imported the pipeline module
 * and found the pipeline the process runs (else it rejects with a `config` error that names what
 * differs or failed); `close()` terminates them. A thread that dies after the start rejects its
 * batches in flight with a retriable `unavailable` error (the log redelivers them) and is replaced
 * at once; after `MAX_DEATHS` deaths in a row with no batch folded in between (a batch that kills
 * every thread it is sent to), every fold rejects with a non-retriable `internal` error. A replaced
 * thread imports the pipeline module as it is on disk then, and is checked again. A thread that
 * has batches to fold and answers nothing for `foldTimeoutMs` (a fold that never returns: a loop in
 * a field type's parser or in a view's code), or a replacement that has batches waiting and has not
 * loaded the pipeline after `LOAD_TIMEOUT_MS`, is terminated, and counts as a death; batches sent
 * while it is being terminated reject with a retriable error.
 */
export class FoldPool implements BatchFolder {
  readonly #options: FoldPoolOptions
  readonly #fingerprint: PipelineFingerprint
  readonly #threads: FoldThread[] = []
  #nextId = 0
  #started = false
  #closed = false
  #deaths = 0
  #broken: TwinflowError | null = null
  #watchdog: NodeJS.Timeout | undefined

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
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TwinflowError(
              'unavailable',
              `speed layer: the fold threads did not load the pipeline module ${this.#options.pipelineModule} within ${LOAD_TIMEOUT_MS} ms; set speed.foldThreads to 0 to fold on the event loop`,
            ),
          ),
        LOAD_TIMEOUT_MS,
      )
    })
    try {
      await Promise.race([Promise.all(this.#threads.map((t) => t.ready)), timeout])
      this.#started = true
      if (this.#closed) return
      const { foldTimeoutMs } = this.#options
      this.#watchdog = setInterval(() => this.#watch(foldTimeoutMs), Math.min(1000, Math.ceil(foldTimeoutMs / 4)))
      this.#watchdog.unref()
    } catch (error) {
      await this.close()
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#watchdog)
    const threads = this.#threads.splice(0)
    for (const thread of threads) this.#rejectAll(thread, new TwinflowError('unavailable', 'the fold threads were closed while folding a batch'))
    await Promise.all(threads.map((t) => t.worker.terminate()))
  }

  /** `signal` aborted: the fold rejects with its reason at once (the thread's answer is dropped). */
  fold(fold: StreamFold, batch: LogBatch, cutoffs: readonly number[], signal?: AbortSignal): Promise<FoldOutcome> {
    if (this.#broken) return Promise.reject(this.#broken)
    if (this.#closed || this.#threads.length === 0) return Promise.reject(new TwinflowError('unavailable', 'the fold threads are not running'))
    if (signal?.aborted) return Promise.reject(signal.reason)
    let thread: FoldThread | undefined
    for (const t of this.#threads) if (!t.stuck && (!thread || t.pending.size < thread.pending.size)) thread = t
    if (!thread) return Promise.reject(new TwinflowError('unavailable', 'the fold threads stopped answering and are being replaced'))
    const id = this.#nextId++
    const packed = packRecords(batch.records, fold.masks)
    const request: FoldRequest = { id, stream: fold.stream.name, cutoffs, ...packed }
    return new Promise<FoldOutcome>((resolve, reject) => {
      const onAbort = () => settle(() => reject(signal!.reason))
      const settle = (then: () => void) => {
        signal?.removeEventListener('abort', onAbort)
        if (thread.pending.delete(id)) then()
      }
      // Counted in flight at once, so that batches sent in one turn spread over the threads.
      thread.pending.set(id, { resolve: (outcome) => settle(() => resolve(outcome)), reject: (error) => settle(() => reject(error)) })
      signal?.addEventListener('abort', onAbort, { once: true })
      thread.ready.then(
        () => {
          if (!thread.pending.has(id)) return
          try {
            thread.worker.postMessage(request, [packed.bytes, packed.ends.buffer, packed.offsets.buffer, packed.timestamps.buffer, packed.masked.buffer])
            if (thread.posted++ === 0) thread.busySince = performance.now()
          } catch (error) {
            settle(() => reject(error))
          }
        },
        (error: unknown) => settle(() => reject(error)),
      )
    })
  }

  #spawn(index: number): FoldThread {
    const data: FoldThreadData = {
      pipelineModule: this.#options.pipelineModule,
      preload: [...this.#options.preload],
      maxEventBytes: this.#options.maxEventBytes,
      piiSecret: this.#options.piiSecret ?? null,
    }
    const worker = new Worker(ENTRY, { workerData: data, name: `twinflow-fold-${index}`, execArgv: EXEC_ARGV })
    const pending = new Map<number, Pending>()
    let settle!: { resolve: () => void; reject: (error: unknown) => void }
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
    ready.catch(() => {}) // observed by start() or by the folds sent to this thread
    const thread: FoldThread = { worker, ready, pending, spawnedAt: performance.now(), loaded: false, posted: 0, busySince: 0, stuck: null }
    let lastError: unknown = null
    worker.on('message', (message: FoldThreadMessage) => {
      switch (message.type) {
        case 'ready': {
          const differences = fingerprintDifferences(this.#fingerprint, message.fingerprint)
          if (differences.length === 0) {
            thread.loaded = true
            settle.resolve()
          } else
            settle.reject(
              this.#configError(
                `imports the pipeline module ${this.#options.pipelineModule}, which declares other streams or views than the pipeline this process runs (${differences.join('; ')}): make the config's "pipeline" name the module of the pipeline you run`,
              ),
            )
          return
        }
        case 'init-failed':
          settle.reject(this.#configError(message.message))
          return
        case 'result':
          this.#deaths = 0
          thread.posted--
          thread.busySince = performance.now()
          pending.get(message.id)?.resolve(message.outcome)
          return
        case 'failed':
          thread.posted--
          thread.busySince = performance.now()
          pending.get(message.id)?.reject(threadFailure(message))
      }
    })
    worker.on('error', (error) => {
      lastError = error
    })
    worker.on('exit', (code) => {
      const error =
        thread.stuck ??
        new TwinflowError('unavailable', `fold thread ${index} exited (code ${code})${lastError ? `: ${(lastError as Error).message}` : ''}`, lastError ? { cause: lastError } : {})
      settle.reject(error)
      this.#rejectAll(thread, error)
      const at = this.#threads.indexOf(thread)
      if (this.#closed || !this.#started || at < 0) return
      if (++this.#deaths >= MAX_DEATHS) {
        this.#broken = new TwinflowError(
          'internal',
          `speed layer: the fold threads died ${this.#deaths} times in a row without folding a batch (the last: ${error.message}); a batch may kill every thread it is sent to: set speed.foldThreads to 0 to fold on the event loop`,
          { cause: error },
        )
        this.#options.logger.error('the fold threads keep dying; folding stops', { error: this.#broken })
        return
      }
      this.#options.logger.error('a fold thread died; starting another', { error })
      try {
        this.#threads[at] = this.#spawn(index)
      } catch (spawnError) {
        this.#broken = new TwinflowError('internal', `speed layer: a fold thread died and another could not be started: ${(spawnError as Error).message}`, { cause: spawnError })
      }
    })
    return thread
  }

  /**
   * Terminates the threads that look stuck (see `#stuckReason`); its exit rejects their batches. A
   * thread found stuck is checked again once the event loop has handled the messages waiting (after
   * a long task on the event loop, a timer can run before the answers that arrived meanwhile).
   */
  #watch(foldTimeoutMs: number): void {
    const suspects = this.#threads.filter((t) => this.#stuckReason(t, foldTimeoutMs) !== null)
    if (suspects.length === 0) return
    setImmediate(() => {
      for (const thread of suspects) {
        const index = this.#threads.indexOf(thread)
        const reason = index < 0 || this.#closed ? null : this.#stuckReason(thread, foldTimeoutMs)
        if (reason === null) continue
        thread.stuck = new TwinflowError('unavailable', `fold thread ${index} ${reason}; it was terminated`)
        this.#options.logger.error('a fold thread does not answer; terminating it', { thread: index, batches: thread.pending.size, reason })
        thread.worker.terminate().catch(() => {})
      }
    })
  }

  /** Why `thread` counts as stuck now, or null. */
  #stuckReason(thread: FoldThread, foldTimeoutMs: number): string | null {
    if (thread.stuck) return null
    const now = performance.now()
    if (thread.loaded) {
      if (thread.posted > 0 && now - thread.busySince >= foldTimeoutMs) {
        return `had batches to fold and answered nothing for ${foldTimeoutMs} ms (a fold that never returns: a loop in a field type's parser or in a view's code?)`
      }
    } else if (thread.pending.size > 0 && now - thread.spawnedAt >= LOAD_TIMEOUT_MS) {
      return `has batches waiting and did not load the pipeline module ${this.#options.pipelineModule} within ${LOAD_TIMEOUT_MS} ms`
    }
    return null
  }

  #configError(what: string): TwinflowError {
    return new TwinflowError('config', `speed layer: a fold thread ${what}; or set speed.foldThreads to 0 to fold on the event loop`)
  }

  #rejectAll(thread: FoldThread, error: unknown): void {
    for (const waiting of [...thread.pending.values()]) waiting.reject(error)
  }
}

/** What a fold thread threw, rebuilt: a `FoldError`, a `TwinflowError` with its kind and retriability, or an `Error` with its message and stack. */
function threadFailure(message: Extract<FoldThreadMessage, { type: 'failed' }>): Error {
  const cause = new Error(message.message)
  if (message.stack !== undefined) cause.stack = message.stack
  if (message.view !== undefined && message.offset !== undefined) return new FoldError(message.view, message.offset, cause)
  if (message.twinflow) return new TwinflowError(message.twinflow.kind, message.message, { retriable: message.twinflow.retriable, cause })
  return cause
}
