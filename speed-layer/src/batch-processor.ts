import {
  compileDecoder,
  compileViewEvaluator,
  retry,
  TwinflowError,
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type Delta,
  type DeltaOutcome,
  type EvaluatedEvent,
  type FencedBatch,
  type LogBatch,
  type Logger,
  type Pipeline,
  type RealtimeStore,
  type RetryOptions,
  type Sink,
  type StreamDef,
  type ViewDef,
} from '@twinflow/core'
import { BatchAggregate } from './batch-aggregate'

export interface BatchProcessorDeps {
  pipeline: Pipeline
  store: RealtimeStore
  deadLetters: DeadLetterQueue
  sinks: readonly Sink[]
  /** The current cutoff of a view: its events of earlier windows are skipped. */
  cutoff: (view: string) => number
  clock: Clock
  logger: Logger
  /** The name progress is recorded under (the consumer group). */
  consumer: string
  /** Larger payloads are dead-lettered as `oversized`. */
  maxEventBytes: number
  /** Retries of sink and dead-letter writes. */
  retry: Pick<RetryOptions, 'retries' | 'initialDelayMs' | 'maxDelayMs'>
}

/** What processing one log batch did. */
export interface BatchResult {
  records: number
  deadLetters: number
  /** (event, view) pairs skipped because their window is below the view's cutoff. */
  skippedBelowCutoff: number
  /** Groups of the pre-aggregated batch, and what the store did with each on the first try. */
  groups: number
  applied: number
  duplicates: number
  overlaps: number
  /** Parts after a fence applied for `overlap` groups. */
  reapplied: number
}

interface CompiledView {
  view: ViewDef
  evaluate: (event: Record<string, unknown>, into?: EvaluatedEvent) => EvaluatedEvent | null
  /** What `evaluate` fills for each event of a fold (one per view, so no object per event). */
  scratch: EvaluatedEvent
}

interface CompiledStream {
  stream: StreamDef
  decode: (payload: Buffer) => { ok: true; event: Record<string, unknown> } | { ok: false; reason: string }
  views: CompiledView[]
}

/**
 * Turns one log batch into exactly-once effects on the realtime store:
 * 1. decode every record with the stream's decoder; invalid ones become dead letters;
 * 2. evaluate every view of the stream on the valid events, skipping windows below the view's
 *    cutoff (an event whose measure is NaN is dead-lettered for that view: NaN has no monoid);
 * 3. write the dead letters (before anything is committed);
 * 4. pre-aggregate per (view, window, keys) and apply ONE fenced batch (firstOffset..lastOffset);
 * 5. for each `overlap` outcome (fence F), recompute that group from its events with offset > F
 *    and apply it as a batch F+1..lastOffset, until every group is applied or a duplicate;
 * 6. write the batch to every sink (retriable failures retried);
 * 7. record the progress (lastOffset). The caller then lets the log commit.
 * Redelivery with any boundaries is then exact: each group contains each of its events once.
 * `signal` (the log's "this member is gone") is checked before every write: a revoked batch stops
 * there and rejects with the signal's reason, as a crashed process would have stopped.
 */
export class BatchProcessor {
  readonly #deps: BatchProcessorDeps
  readonly #streams = new Map<string, CompiledStream>()

  constructor(deps: BatchProcessorDeps) {
    this.#deps = deps
    for (const stream of deps.pipeline.streams) {
      const views = deps.pipeline.viewsOf(stream.name)
      if (views.length === 0) continue
      this.#streams.set(stream.topic, {
        stream,
        decode: compileDecoder(stream, { maxBytes: deps.maxEventBytes }) as CompiledStream['decode'],
        views: views.map((view) => ({ view, evaluate: compileViewEvaluator(view), scratch: { windowStart: 0, keys: [], cells: [] } })),
      })
    }
  }

  /** The topics this processor handles: those of the streams that have views. */
  get topics(): string[] {
    return [...this.#streams.keys()]
  }

  async process(batch: LogBatch, signal?: AbortSignal): Promise<BatchResult> {
    const compiled = this.#streams.get(batch.topic)
    if (!compiled) throw this.#error('internal', `no stream with views reads topic "${batch.topic}"`, batch)
    const result: BatchResult = { records: batch.records.length, deadLetters: 0, skippedBelowCutoff: 0, groups: 0, applied: 0, duplicates: 0, overlaps: 0, reapplied: 0 }
    const letters: DeadLetter[] = []
    const newest: Record<string, number> = {}
    const cutoffs = compiled.views.map((v) => this.#deps.cutoff(v.view.name))
    const aggregate = this.#fold(compiled, batch, cutoffs, -1, { result, letters, newest })
    if (letters.length > 0) {
      signal?.throwIfAborted()
      await this.#step('dead-letter write', batch, () => this.#retrying('dead-letter write', () => this.#deps.deadLetters.write(letters)))
      result.deadLetters = letters.length
    }
    if (aggregate.size > 0) {
      const fenced: FencedBatch = { topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, deltas: aggregate.deltas(), newestEventTime: newest }
      result.groups = aggregate.size
      await this.#apply(fenced, (fence) => this.#fold(compiled, batch, cutoffs, fence, null), result, signal)
      signal?.throwIfAborted()
      await Promise.all(this.#deps.sinks.map((sink) => this.#step(`write to sink "${sink.name}"`, batch, () => this.#retrying(`sink "${sink.name}" write`, () => sink.write(fenced)))))
    }
    signal?.throwIfAborted()
    await this.#step('progress record', batch, () => this.#deps.store.recordProgress(this.#deps.consumer, batch.topic, batch.partition, batch.lastOffset))
    return result
  }

  /**
   * Folds the batch's records with offset > `after` into a new aggregate: decode, evaluate every
   * view, skip windows below `cutoffs`. The first pass (`first` given) also collects the dead
   * letters, the counts and the newest event time per view; a later pass (the part after a fence)
   * folds the same records the same way, so it gives exactly those events' contributions.
   */
  #fold(
    compiled: CompiledStream,
    batch: LogBatch,
    cutoffs: readonly number[],
    after: number,
    first: { result: BatchResult; letters: DeadLetter[]; newest: Record<string, number> } | null,
  ): BatchAggregate {
    const { views, stream } = compiled
    const aggregate = new BatchAggregate()
    for (const record of batch.records) {
      if (record.offset <= after) continue
      const decoded = compiled.decode(record.value)
      if (!decoded.ok) {
        first?.letters.push(this.#letter(stream, batch, record.offset, record.value, decoded.reason))
        continue
      }
      for (let i = 0; i < views.length; i++) {
        const { view, evaluate, scratch } = views[i]!
        let evaluated: EvaluatedEvent | null
        try {
          evaluated = evaluate(decoded.event, scratch)
        } catch (error) {
          throw this.#error('internal', `evaluating view "${view.name}" threw at offset ${record.offset}`, batch, error)
        }
        if (evaluated === null) continue
        if (evaluated.windowStart < cutoffs[i]!) {
          if (first) first.result.skippedBelowCutoff++
          continue
        }
        const nan = nanCell(evaluated.cells)
        if (nan >= 0) {
          first?.letters.push(this.#letter(stream, batch, record.offset, record.value, `evaluation: view "${view.name}" gives NaN for ${view.cells[nan]!.column}`))
          continue
        }
        aggregate.add(view, evaluated)
        if (first) {
          const time = decoded.event[stream.timeField] as number
          if (!(time <= first.newest[view.name]!)) first.newest[view.name] = time
        }
      }
    }
    return aggregate
  }

  /** Applies the batch, then the parts after each fence of the overlapping groups, until none overlaps. */
  async #apply(fenced: FencedBatch, after: (fence: number) => BatchAggregate, result: BatchResult, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted()
    const outcomes = await this.#step('realtime store apply', fenced, () => this.#deps.store.apply(fenced))
    this.#checkOutcomes(outcomes, fenced)
    let pending: { delta: Delta; fence: number }[] = []
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'applied') result.applied++
      else if (outcome.status === 'duplicate') result.duplicates++
      else {
        result.overlaps++
        pending.push({ delta: fenced.deltas[index]!, fence: outcome.fence })
      }
    })
    while (pending.length > 0) {
      const byFence = new Map<number, Delta[]>()
      for (const { delta, fence } of pending) byFence.set(fence, [...(byFence.get(fence) ?? []), delta])
      pending = []
      for (const [fence, overlapping] of byFence) {
        const later = after(fence)
        const parts = overlapping.flatMap((d) => later.deltaOf(this.#deps.pipeline.view(d.view), d.windowStart, d.keys) ?? [])
        if (parts.length === 0) continue
        const rest: FencedBatch = { ...fenced, firstOffset: fence + 1, deltas: parts }
        signal?.throwIfAborted()
        const again = await this.#step('realtime store apply', rest, () => this.#deps.store.apply(rest))
        this.#checkOutcomes(again, rest)
        again.forEach((outcome, k) => {
          if (outcome.status === 'applied') result.reapplied++
          // A concurrent writer (a zombie member) moved the fence meanwhile: recompute after the new one.
          else if (outcome.status === 'overlap') pending.push({ delta: parts[k]!, fence: outcome.fence })
        })
      }
    }
  }

  #checkOutcomes(outcomes: DeltaOutcome[], batch: FencedBatch): void {
    if (!Array.isArray(outcomes) || outcomes.length !== batch.deltas.length) {
      throw this.#error('internal', `the realtime store returned ${outcomes?.length} outcomes for ${batch.deltas.length} deltas`, batch)
    }
    for (const o of outcomes) {
      if (o.status === 'overlap' && !(o.fence >= batch.firstOffset && o.fence < batch.lastOffset)) {
        throw this.#error('internal', `the realtime store reported an overlap with fence ${o.fence} outside ${batch.firstOffset}..${batch.lastOffset - 1}`, batch)
      }
    }
  }

  #letter(stream: StreamDef, batch: LogBatch, offset: number, payload: Buffer, reason: string): DeadLetter {
    return { stream: stream.name, stage: 'speed', reason, payload, topic: batch.topic, partition: batch.partition, offset, at: this.#deps.clock.now() }
  }

  #retrying<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return retry(this.#deps.clock, fn, {
      ...this.#deps.retry,
      operation,
      onRetry: ({ attempt, delayMs, error }) => this.#deps.logger.warn(`${operation} failed; retrying`, { error, attempt, delayMs }),
    })
  }

  /** Runs one step; its failure is rethrown with the step and the batch's position, keeping its kind and retriability. */
  async #step<T>(step: string, batch: Pick<LogBatch, 'topic' | 'partition' | 'firstOffset' | 'lastOffset'>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      if (TwinflowError.is(error)) throw this.#error(error.kind, `${step} failed: ${error.message}`, batch, error, error.retriable)
      throw this.#error('unavailable', `${step} failed: ${error instanceof Error ? error.message : String(error)}`, batch, error)
    }
  }

  #error(
    kind: TwinflowError['kind'],
    message: string,
    batch: Pick<LogBatch, 'topic' | 'partition' | 'firstOffset' | 'lastOffset'>,
    cause?: unknown,
    retriable?: boolean,
  ): TwinflowError {
    const where = `${batch.topic}[${batch.partition}] offsets ${batch.firstOffset}..${batch.lastOffset}`
    return new TwinflowError(kind, `speed layer, ${where}: ${message}`, {
      ...(cause === undefined ? {} : { cause }),
      ...(retriable === undefined ? {} : { retriable }),
      context: { ...(TwinflowError.is(cause) ? cause.context : {}), topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset },
    })
  }
}

/** The index of the first NaN cell, or -1. */
function nanCell(cells: readonly number[]): number {
  for (let i = 0; i < cells.length; i++) if (Number.isNaN(cells[i])) return i
  return -1
}
