import { rm } from 'node:fs/promises'
import { MASKED_HEADERS, TOKENS, type BatchRun, type DeadLetter, type Notification, type Pipeline, type Sink } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { SPEED_TOKENS } from '@twinflow/speed-layer'
import { loadHistory, type LoadHistoryOptions, type LoadSummary, type Twinflow } from 'twinflow'
import { GraphQLRequestError, type GraphQLErrorBody } from './graphql-request-error.ts'
import type { TestClock } from './test-clock.ts'

/** An input for `send`: an event (sent as JSON), or a raw payload sent as it is (to test dead letters). */
export type TestInput = Record<string, unknown> | string | Buffer

export interface RequestOptions {
  variables?: Record<string, unknown>
  /** Request headers, e.g. `{ 'x-api-key': key }` when the config turns authentication on. */
  headers?: Record<string, string>
}

/** A GraphQL answer as the server sent it. */
export interface GraphQLAnswer<T> {
  status: number
  data?: T
  errors?: GraphQLErrorBody[]
}

/**
 * A pipeline running in this process on the embedded runtimes (unless the config names others),
 * driven by a test: `send` events, move the `clock`, `runBatch`, `query` the merged answer.
 * Every call returns once its effects are visible to the next: `send` waits until the archiver and
 * the speed layer have consumed what it sent; `runBatch` until the speed layer knows the new
 * cutoff. Stop it with `stop()` (or `await using`).
 */
export class TestPipeline implements AsyncDisposable {
  constructor(
    readonly twinflow: Twinflow,
    readonly clock: TestClock,
    private readonly dataDir: string | null,
  ) {}

  get pipeline(): Pipeline {
    return this.twinflow.pipeline
  }

  /** The GraphQL endpoint over HTTP (on a free port of 127.0.0.1), for clients of your own. */
  get url(): string {
    return this.twinflow.url!
  }

  /** The base URL of the process's HTTP server (`http://127.0.0.1:<port>`): GraphQL, the dashboard, the ops endpoints and the sources' routes (`/ingest/<stream>`). */
  get baseUrl(): string {
    return new URL(this.twinflow.url!).origin
  }

  /**
   * Appends inputs to a stream's topic (events as JSON, strings and Buffers as they are), with the
   * clock's time as their log time, then waits until they are consumed (see `settle`).
   * A stream with personal fields is masked first, as Twinflow's ingest does (a JSON object's
   * personal fields masked, anything else withheld), and its messages marked masked.
   */
  async send(stream: string, inputs: readonly TestInput[], options: { key?: (input: TestInput) => string | undefined } = {}): Promise<void> {
    const topic = this.pipeline.stream(stream).topic
    const masking = this.twinflow.get(TOKENS.PiiMasking)
    const mask = masking.hasPersonalFields(stream) ? masking.payloadMask(stream) : null
    const messages = inputs.map((input) => {
      const key = options.key?.(input)
      const raw = Buffer.isBuffer(input) ? input : Buffer.from(typeof input === 'string' ? input : JSON.stringify(input))
      const value = mask === null ? raw : mask(raw)
      return { value, ...(key === undefined ? {} : { key }), ...(mask === null ? {} : { headers: MASKED_HEADERS }) }
    })
    await this.twinflow.get(TOKENS.EventLog).produce(topic, messages)
    await this.settle()
  }

  /** Waits until the archiver has archived, and the speed layer applied, every record in the log. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const log = this.twinflow.get(TOKENS.EventLog)
    const engine = this.twinflow.get(TOKENS.BatchEngine)
    const store = this.twinflow.get(TOKENS.RealtimeStore)
    const group = this.twinflow.get(SPEED_TOKENS.Options).groupId
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const behind: string[] = []
      for (const stream of this.pipeline.streams) {
        const [ends, archived, applied] = await Promise.all([log.endOffsets(stream.topic), engine.archivedOffsets(stream.name), store.progress(group, stream.topic)])
        for (const [partition, end] of ends) {
          if (end === 0) continue
          if ((archived.get(partition) ?? -1) < end - 1) behind.push(`${stream.topic}[${partition}] archived to ${archived.get(partition) ?? 'nothing'} of ${end - 1}`)
          if ((applied.get(partition) ?? -1) < end - 1) behind.push(`${stream.topic}[${partition}] applied to ${applied.get(partition) ?? 'nothing'} of ${end - 1}`)
        }
      }
      if (behind.length === 0) return
      if (Date.now() > deadline) throw new Error(`the pipeline did not consume what was sent within ${timeoutMs} ms: ${behind.join('; ')}`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /**
   * Loads files of history straight into a stream's master table, as `twinflow load` does (CSV,
   * NDJSON, JSON arrays, Parquet; `options.mapping` is a field mapping). The rows are served once a
   * batch run covers them (`runBatch`). Resolves with the load's summary.
   */
  async load(stream: string, files: readonly string[], options: Omit<LoadHistoryOptions, 'stream' | 'files'> = {}): Promise<LoadSummary> {
    return loadHistory(this.twinflow, { ...options, stream, files })
  }

  /**
   * Recomputes every view (or one) at the clock's time, as a scheduled run would, and publishes it;
   * then tells the speed layer the new cutoffs. Rejects with the runs' errors if one failed.
   */
  async runBatch(view?: string): Promise<BatchRun[]> {
    const runner = this.twinflow.get(BATCH_TOKENS.Runner)
    const runs = view === undefined ? await runner.runAll() : [await runner.runView(this.pipeline.view(view).name)]
    const failed = runs.filter((r) => r.status !== 'succeeded')
    if (failed.length > 0) throw new Error(`batch runs failed: ${failed.map((r) => `${r.view}: ${r.error}`).join('; ')}`)
    await this.twinflow.get(SPEED_TOKENS.Worker).refreshCutoffs()
    return runs
  }

  /** Runs a GraphQL operation through the server (in-process, every plugin and limit included); returns its data or throws GraphQLRequestError. */
  async query<T = Record<string, any>>(document: string, options: RequestOptions = {}): Promise<T> {
    const answer = await this.request<T>(document, options)
    if (answer.errors?.length || answer.data === undefined || answer.data === null) throw new GraphQLRequestError(answer.status, answer.errors ?? [])
    return answer.data
  }

  /** Runs a GraphQL operation and returns the answer as sent, errors included. */
  async request<T = Record<string, any>>(document: string, options: RequestOptions = {}): Promise<GraphQLAnswer<T>> {
    const server = this.twinflow.get(SERVING_TOKENS.Server)
    const response = await server.fetch(server.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify({ query: document, variables: options.variables ?? {} }),
    })
    const text = await response.text()
    let body: { data?: T; errors?: GraphQLErrorBody[] }
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      body = { errors: [{ message: text || `HTTP ${response.status}` }] }
    }
    return { status: response.status, ...body }
  }

  /** The inputs rejected so far, with their reasons (the embedded dead-letter queue only). */
  deadLetters(): DeadLetter[] {
    const queue = this.twinflow.get(TOKENS.DeadLetterQueue) as { letters?: () => readonly DeadLetter[] }
    if (typeof queue.letters !== 'function') throw new Error('deadLetters() reads the embedded dead-letter queue; this pipeline runs another one')
    return [...queue.letters()]
  }

  /**
   * The notifications a `memory` channel of the config received so far (alert events, view changes,
   * reports), oldest first: `sinks: [{ plugin: 'memory', name: 'pager', kinds: ['alert'] }]` and
   * `alerts: { rules: { myRule: { channels: ['pager'] } } }` in the config.
   */
  notifications(channel: string): Notification[] {
    const sinks = this.twinflow.container.isBound(TOKENS.Sink) ? this.twinflow.container.getAll<Sink>(TOKENS.Sink) : []
    const sink = sinks.find((s) => s.name === channel) as (Sink & { notifications?: () => readonly Notification[] }) | undefined
    if (!sink) throw new Error(`no channel is named "${channel}"; channels: ${sinks.map((s) => s.name).join(', ') || 'none (configure "sinks")'}`)
    if (typeof sink.notifications !== 'function') throw new Error(`notifications() reads a memory channel; "${channel}" is another kind`)
    return [...sink.notifications()]
  }

  /** Stops every role and runtime, and removes the data directory the harness made. */
  async stop(): Promise<void> {
    try {
      await this.twinflow.stop()
    } finally {
      if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true })
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}
