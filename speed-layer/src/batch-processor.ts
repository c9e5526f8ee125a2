import {
  isMasked,
  PiiMasking,
  retry,
  TwinflowError,
  viewChangesNotification,
  type Channels,
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type Delta,
  type DeltaOutcome,
  type FencedBatch,
  type LogBatch,
  type LogRecord,
  type Logger,
  type Pipeline,
  type RealtimeStore,
  type RetryOptions,
  type StreamDef,
} from '@twinflow/core'
import type { BatchAggregate } from './batch-aggregate.ts'
import { inlineFolder, logRecords, type BatchFolder } from './fold/batch-folder.ts'
import { FoldError, StreamFold, type Decoded } from './fold/stream-fold.ts'

export interface BatchProcessorDeps {
  pipeline: Pipeline
  store: RealtimeStore
  deadLetters: DeadLetterQueue
  /** Where the view changes of each applied batch go: the channels that take `view-changes` (none: nowhere). */
  channels?: Pick<Channels, 'send' | 'taking'>
  /** The current cutoff of a view: its events of earlier windows are skipped. */
  cutoff: (view: string) => number
  clock: Clock
  logger: Logger
  /** The name progress is recorded under (the consumer group). */
  consumer: string
  /** Larger payloads are dead-lettered as `oversized`. */
  maxEventBytes: number
  /** The masking of personal fields: of events no Twinflow producer masked, before any view sees them, and of their letters' payloads. @default no secret */
  masking?: PiiMasking
  /** Retries of dead-letter writes. */
  retry: Pick<RetryOptions, 'retries' | 'initialDelayMs' | 'maxDelayMs'>
  /** Where each batch's first pass runs (a later pass, after a fence, runs on the event loop). @default inlineFolder */
  folder?: BatchFolder
}

/** What processing one log batch did. */
export interface BatchResult {
  records: number
  /** Records the stream's decoder rejected: the archiver dead-letters them (it sees every record), not the speed layer. */
  invalid: number
  /** Valid events a view could not take (a NaN measure): one letter each, written by the speed layer. */
  deadLetters: number
  /** (event, view) pairs skipped because their window is below the view's cutoff. */
  skippedBelowCutoff: number
  /** Valid events dropped as duplicates by the stream's `dedupeBy` (their ids claimed before). */
  duplicateEvents: number
  /** Groups of the pre-aggregated batch, and what the store did with each on the first try. */
  groups: number
  applied: number
  duplicates: number
  overlaps: number
  /** Parts after a fence applied for `overlap` groups. */
  reapplied: number
}

/**
 * Turns one log batch into exactly-once effects on the realtime store:
 * 0. for a stream with `dedupeBy`, claim the dedupe key of every valid event in the store
 *    (`RealtimeStore.claimIds`; below the cutoff too) and leave the duplicates out of every view
 *    (such a stream's first pass runs on the event loop: the claims' answers are part of it);
 * 1. decode every record with the stream's decoder; invalid ones are skipped and counted (the
 *    archiver, which sees every record, dead-letters them, so an input is one letter) (steps 1, 2
 *    and the pre-aggregation of 4 are the batch's first pass: the `folder` runs it, on the event
 *    loop or in a fold thread);
 * 2. evaluate every view of the stream on the valid events, skipping windows below the view's
 *    cutoff (an event whose measure is NaN is dead-lettered for that view: NaN has no monoid);
 * 3. write the dead letters (before anything is committed);
 * 4. pre-aggregate per (view, window, keys) and apply ONE fenced batch (firstOffset..lastOffset);
 * 5. for each `overlap` outcome (fence F), recompute that group from its events with offset > F
 *    and apply it as a batch F+1..lastOffset, until every group is applied or a duplicate;
 * 6. deliver the batch's view changes to the channels that take them (each delivered or
 *    dead-lettered, see `Channels`: a failing channel never fails the batch);
 * 7. record the progress (lastOffset). The caller then lets the log commit.
 * Redelivery with any boundaries is then exact: each group contains each of its events once.
 * `signal` (the log's "this member is gone") is checked before every write: a revoked batch stops
 * there and rejects with the signal's reason, as a crashed process would have stopped.
 */
export class BatchProcessor {
  readonly #deps: BatchProcessorDeps
  readonly #folder: BatchFolder
  readonly #streams = new Map<string, StreamFold>()
  readonly #masking: PiiMasking

  constructor(deps: BatchProcessorDeps) {
    this.#deps = deps
    this.#folder = deps.folder ?? inlineFolder
    this.#masking = deps.masking ?? new PiiMasking(deps.pipeline.streams, null)
    for (const stream of deps.pipeline.streams) {
      const views = deps.pipeline.viewsOf(stream.name)
      if (views.length > 0) this.#streams.set(stream.topic, new StreamFold(stream, views, { maxEventBytes: deps.maxEventBytes, masking: this.#masking }))
    }
  }

  /** The topics this processor handles: those of the streams that have views. */
  get topics(): string[] {
    return [...this.#streams.keys()]
  }

  async process(batch: LogBatch, signal?: AbortSignal): Promise<BatchResult> {
    const fold = this.#streams.get(batch.topic)
    if (!fold) throw this.#error('internal', `no stream with views reads topic "${batch.topic}"`, batch)
    const cutoffs = fold.views.map((v) => this.#deps.cutoff(v.name))
    const dedupe = fold.stream.dedupe ? await this.#claim(fold, batch, signal) : null
    const dropped = dedupe?.dropped ?? null
    const decoded = dedupe?.decoded ?? null
    const first = dedupe
      ? this.#folding(batch, () => fold.foldFirst(logRecords(batch), cutoffs, dropped, decoded))
      : await this.#folder.fold(fold, batch, cutoffs, signal).catch((error: unknown) => {
          throw signal?.aborted && error === signal.reason ? error : this.#foldError(batch, error)
        })
    const result: BatchResult = {
      records: batch.records.length,
      invalid: first.invalid,
      deadLetters: 0,
      skippedBelowCutoff: first.skippedBelowCutoff,
      duplicateEvents: first.duplicates,
      groups: 0,
      applied: 0,
      duplicates: 0,
      overlaps: 0,
      reapplied: 0,
    }
    if (first.letters.length > 0) {
      const letters = first.letters.map(({ index, reason }) => this.#letter(fold.stream, batch, batch.records[index]!, reason))
      signal?.throwIfAborted()
      await this.#step('dead-letter write', batch, () => this.#retrying('dead-letter write', () => this.#deps.deadLetters.write(letters)))
      result.deadLetters = letters.length
    }
    if (first.deltas.length > 0) {
      const fenced: FencedBatch = {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.firstOffset,
        lastOffset: batch.lastOffset,
        deltas: first.deltas,
        newestEventTime: first.newest,
      }
      result.groups = first.deltas.length
      const after = (fence: number) => this.#folding(batch, () => fold.fold(logRecords(batch), cutoffs, fence, null, dropped, decoded))
      await this.#apply(fenced, after, result, signal)
      signal?.throwIfAborted()
      const channels = this.#deps.channels
      if (channels && channels.taking('view-changes').length > 0) {
        const notification = viewChangesNotification(fenced, this.#deps.clock.now())
        await this.#step('delivery of the view changes', batch, () => channels.send(notification, signal ? { signal } : {}))
      }
    }
    signal?.throwIfAborted()
    await this.#step('progress record', batch, () => this.#deps.store.recordProgress(this.#deps.consumer, batch.topic, batch.partition, batch.lastOffset))
    return result
  }

  /**
   * Claims the dedupe keys of the batch's valid events (the same keys and positions on every
   * delivery, so the same answers: see `RealtimeStore.claimIds`); returns the offsets of the
   * duplicates, and the records decoded (for the folds). The claims live twice the horizon
   * (docs/architecture.md, "Deduplication").
   */
  async #claim(fold: StreamFold, batch: LogBatch, signal: AbortSignal | undefined): Promise<{ dropped: Set<number>; decoded: Decoded[] }> {
    const { keys, decoded } = this.#folding(batch, () => fold.dedupeKeys(logRecords(batch)))
    if (keys.length === 0) return { dropped: new Set(), decoded }
    const claims = keys.map(({ index, key }) => ({ stream: fold.stream.name, key, partition: batch.partition, offset: batch.records[index]!.offset }))
    signal?.throwIfAborted()
    const ttlMs = 2 * fold.stream.dedupe!.horizonMs
    const kept = await this.#step('dedupe id claims', batch, () => this.#deps.store.claimIds(claims, ttlMs))
    if (!Array.isArray(kept) || kept.length !== claims.length) {
      throw this.#error('internal', `the realtime store answered ${kept?.length} of ${claims.length} id claims`, batch)
    }
    return { dropped: new Set(claims.flatMap((claim, i) => (kept[i] ? [] : [claim.offset]))), decoded }
  }

  /** Runs a pass of the fold on the event loop; what it throws becomes the batch's error (see `#foldError`). */
  #folding<T>(batch: LogBatch, pass: () => T): T {
    try {
      return pass()
    } catch (error) {
      throw this.#foldError(batch, error)
    }
  }

  /**
   * What a pass of the fold threw, for the batch (the first pass's abort is rethrown as it is).
   * A fold does no I/O: what it throws is a bug (a view's evaluation, a field type's parser), an
   * `internal` error at the batch's position; a TwinflowError (the pool's own, such as a fold
   * thread that died, which is retriable, or one a field type threw) keeps its kind.
   */
  #foldError(batch: LogBatch, error: unknown): TwinflowError {
    if (error instanceof FoldError) return this.#error('internal', error.message, batch, error.cause)
    if (TwinflowError.is(error)) return this.#error(error.kind, `fold failed: ${error.message}`, batch, error, error.retriable)
    return this.#error('internal', `fold failed: ${error instanceof Error ? error.message : String(error)}`, batch, error)
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

  #letter(stream: StreamDef, batch: LogBatch, record: LogRecord, reason: string): DeadLetter {
    const masked = !this.#masking.hasPersonalFields(stream.name) || isMasked(record.headers)
    const payload = masked ? record.value : this.#masking.payloadMask(stream.name)(record.value)
    return { stream: stream.name, stage: 'speed', reason, payload, topic: batch.topic, partition: batch.partition, offset: record.offset, at: this.#deps.clock.now() }
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
