import { Channels, createJsonLogger, finalizeRow, systemClock, type LogMessage, type Logger, type Pipeline } from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryEventLog, MemoryRealtimeStore, MemorySink, type MemoryLogConsumer } from '@twinflow/plugin-memory'
import { SpeedWorker } from '../speed-worker.ts'
import type { SpeedLayerOptions } from '../speed-layer-options.ts'
import { sortRows, type ReferenceRow } from './online-store-reference.ts'
import { SettableCutoffSource } from './settable-cutoff-source.ts'

export interface SpeedHarnessOptions {
  pipeline: Pipeline
  /** Partitions of every stream's topic. */
  partitions: number
  /** File URL of a module that exports `pipeline`: the workers' fold threads import it. @default none (no fold threads) */
  pipelineModule?: string
  /** Receives every log line (JSON). @default dropped */
  logLines?: (line: string) => void
}

/**
 * The speed layer over the embedded runtimes, started the way the Twinflow runtime starts them:
 * a memory log with the pipeline's topics, a memory realtime store, dead-letter queue and sink (the only channel),
 * and a settable cutoff source. Starts any number of workers; `close()` stops all of them.
 */
export class SpeedHarness {
  readonly pipeline: Pipeline
  readonly logger: Logger
  readonly log: MemoryEventLog
  readonly store = new MemoryRealtimeStore()
  readonly deadLetters: MemoryDeadLetterQueue
  readonly sink = new MemorySink('test-sink')
  /** The sink as the workers' only channel: 3 retries 1 ms apart, then a dead letter. */
  readonly channels: Channels
  readonly cutoffs = new SettableCutoffSource()
  readonly workers: { worker: SpeedWorker; consumer: MemoryLogConsumer | undefined }[] = []
  readonly #partitions: number
  readonly #pipelineModule: string | undefined

  private constructor(options: SpeedHarnessOptions) {
    this.pipeline = options.pipeline
    this.#partitions = options.partitions
    this.#pipelineModule = options.pipelineModule
    this.logger = options.logLines ? createJsonLogger({ level: 'debug', write: options.logLines }) : createJsonLogger({ level: 'silent' })
    this.log = new MemoryEventLog({ retry: { retries: 3, initialDelayMs: 2, maxDelayMs: 10 } }, { clock: systemClock, logger: this.logger })
    this.deadLetters = new MemoryDeadLetterQueue({}, { logger: this.logger })
    this.channels = new Channels({
      sinks: [this.sink],
      settings: (sink) => ({ kinds: sink.accepts, delivery: { retries: 3, initialDelayMs: 1, maxDelayMs: 5, attemptTimeoutMs: 5000 }, where: 'sinks[0]' }),
      deadLetters: this.deadLetters,
      pipeline: this.pipeline,
      clock: systemClock,
      logger: this.logger,
    })
  }

  static async start(options: SpeedHarnessOptions): Promise<SpeedHarness> {
    const h = new SpeedHarness(options)
    await h.log.connect()
    for (const stream of h.pipeline.streams) await h.log.createTopic(stream.topic, h.#partitions)
    await h.store.start(h.pipeline)
    await h.deadLetters.connect()
    await h.sink.connect()
    return h
  }

  get topics(): string[] {
    return this.pipeline.streams.map((s) => s.topic)
  }

  /** Starts a worker; returns it with its group member (the newest one of the group). */
  async startWorker(options: SpeedLayerOptions = {}): Promise<{ worker: SpeedWorker; consumer: MemoryLogConsumer | undefined }> {
    const worker = new SpeedWorker(
      {
        pipeline: this.pipeline,
        log: this.log,
        store: this.store,
        deadLetters: this.deadLetters,
        channels: this.channels,
        cutoffs: this.cutoffs,
        clock: systemClock,
        logger: this.logger,
        ...(this.#pipelineModule === undefined ? {} : { pipelineModule: this.#pipelineModule }),
      },
      { retry: { retries: 3, initialDelayMs: 1, maxDelayMs: 5 }, ...options },
    )
    await worker.start()
    const entry = { worker, consumer: this.log.consumers(worker.options.groupId).at(-1) }
    this.workers.push(entry)
    return entry
  }

  produce(topic: string, messages: LogMessage[]): Promise<void> {
    return this.log.produce(topic, messages)
  }

  /** Resolves once the group has committed everything produced so far. */
  caughtUp(groupId = 'twinflow-speed'): Promise<void> {
    return this.log.caughtUp(groupId, this.topics)
  }

  /** A view's realtime rows, finalized (`{ windowStart, ...keys, ...measures }`) and sorted. */
  async rows(view: string): Promise<ReferenceRow[]> {
    const def = this.pipeline.view(view)
    const rows = await this.store.readWindows(view, 0, Number.MAX_SAFE_INTEGER)
    return sortRows(rows.map((r) => finalizeRow(def, r)))
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.stop()))
    await this.log.close()
  }
}
