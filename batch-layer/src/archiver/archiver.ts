import {
  checkResumeOffsets,
  compileDecoder,
  isMasked,
  PiiMasking,
  retry,
  TwinflowError,
  type Clock,
  type DeadLetter,
  type EventMask,
  type DeadLetterQueue,
  type EventLog,
  type LogBatch,
  type LogConsumer,
  type Logger,
  type Pipeline,
  type StreamDef,
} from '@twinflow/core'
import type { ArchivedRecord, BatchLayerEngine } from '../engine/batch-layer-engine.ts'
import type { ResolvedArchiverOptions } from './archiver-options.ts'

interface Topic {
  stream: StreamDef
  decode: ReturnType<typeof compileDecoder>
  /** Null when the stream has no personal field. */
  maskEvent: EventMask | null
  maskPayload: (payload: Buffer) => Buffer
}

/**
 * Copies every stream's log into its master table, exactly once: each log batch becomes ONE
 * insert of its records with their (partition, offset), rejected ones included (with the reason,
 * and a dead letter). The table, not the consumer group, is the record of progress: on assignment
 * each partition resumes after its highest archived offset, and a per-partition high-water mark
 * drops records archived already (a redelivery after a failed commit). When an insert fails with
 * an unknown outcome, the archived offsets are read again before it is retried.
 *
 * A stream's personal fields are masked (see PiiMasking) in every record a Twinflow producer did
 * not mark masked (an outside producer's): in the event inserted and in the dead letter's payload.
 *
 * Lifecycle: the engine is started and the log and dead-letter queue connected by their owner;
 * `start()` joins the consumer group; `stop()` leaves it after the batch in flight.
 */
export class Archiver {
  readonly #topics = new Map<string, Topic>()
  /** Highest archived offset per `topic\0partition` (-1: nothing archived). */
  readonly #highWater = new Map<string, number>()
  /** Partitions whose last insert failed: the table may or may not hold it. */
  readonly #uncertain = new Set<string>()
  #consumer: LogConsumer | null = null

  constructor(
    private readonly engine: BatchLayerEngine,
    private readonly log: EventLog,
    private readonly deadLetters: DeadLetterQueue,
    pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: ResolvedArchiverOptions,
    masking = new PiiMasking(pipeline.streams, null),
  ) {
    for (const stream of pipeline.streams) {
      const other = this.#topics.get(stream.topic)
      if (other) throw new TwinflowError('config', `streams "${other.stream.name}" and "${stream.name}" share topic "${stream.topic}"; give each stream its own topic`)
      this.#topics.set(stream.topic, { stream, decode: compileDecoder(stream), maskEvent: masking.eventMask(stream.name), maskPayload: masking.payloadMask(stream.name) })
    }
  }

  async start(): Promise<void> {
    if (this.#consumer) return
    const topics = [...this.#topics.keys()]
    if (topics.length === 0) {
      this.logger.warn('the pipeline has no streams: nothing to archive')
      return
    }
    this.#consumer = await this.log.consume({
      groupId: this.options.groupId,
      topics,
      maxBatchSize: this.options.maxBatchSize,
      resumeFrom: (topic, partitions) => this.#resumeFrom(topic, partitions),
      eachBatch: (batch) => this.archive(batch),
      onError: (error) => this.logger.error('archiver consumer failed; the log retries retriable errors, others stop the consumer', { error }),
    })
    this.logger.info('archiver started', { groupId: this.options.groupId, topics })
  }

  async stop(): Promise<void> {
    const consumer = this.#consumer
    this.#consumer = null
    await consumer?.stop()
  }

  /**
   * Archives one log batch (the consumer's `eachBatch`). Idempotent: records at or below the
   * partition's high-water mark are dropped, so a redelivered batch inserts nothing twice.
   */
  async archive(batch: LogBatch): Promise<void> {
    const topic = this.#topics.get(batch.topic)
    if (!topic) throw new TwinflowError('config', `the archiver got a batch of topic "${batch.topic}", which no stream of the pipeline uses`)
    const { stream, decode, maskEvent, maskPayload } = topic
    const key = `${batch.topic}\u0000${batch.partition}`
    if (this.#uncertain.has(key) || !this.#highWater.has(key)) await this.#refresh(stream, batch.topic, batch.partition)
    const highWater = this.#highWater.get(key)!
    // Usually nothing of the batch was archived before: no copy then.
    const fresh = batch.records.length > 0 && batch.records[0]!.offset > highWater ? batch.records : batch.records.filter((r) => r.offset > highWater)
    if (fresh.length === 0) {
      this.logger.debug('redelivered batch skipped: archived already', { topic: batch.topic, partition: batch.partition, lastOffset: batch.lastOffset, highWater })
      return
    }
    if (fresh[0]!.offset > highWater + 1) {
      this.logger.warn('offsets missing from the log (deleted by retention?) were never archived', {
        topic: batch.topic,
        partition: batch.partition,
        from: highWater + 1,
        to: fresh[0]!.offset - 1,
      })
    }

    const records = new Array<ArchivedRecord>(fresh.length)
    const letters: DeadLetter[] = []
    for (let i = 0; i < fresh.length; i++) {
      const record = fresh[i]!
      const decoded = decode(record.value, record.timestamp)
      // Headers are read only for a stream with personal fields (Kafka's are converted when read).
      const unmasked = maskEvent !== null && !isMasked(record.headers)
      if (decoded.ok) {
        const event = decoded.event as Record<string, unknown>
        records[i] = { partition: batch.partition, offset: record.offset, event: unmasked ? maskEvent(event) : event }
        continue
      }
      const reason = decoded.reason || 'rejected'
      records[i] = { partition: batch.partition, offset: record.offset, event: {}, error: reason }
      letters.push({
        stream: stream.name,
        stage: 'archiver',
        reason,
        payload: unmasked ? maskPayload(record.value) : record.value,
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        at: this.clock.now(),
      })
    }
    if (letters.length > 0) await this.deadLetters.write(letters)

    this.logger.debug('inserting batch', { topic: batch.topic, partition: batch.partition, firstOffset: fresh[0]!.offset, lastOffset: batch.lastOffset, records: records.length })
    try {
      await retry(
        this.clock,
        async (attempt) => {
          let pending = records
          if (attempt > 1) {
            await this.#refresh(stream, batch.topic, batch.partition)
            const archived = this.#highWater.get(key)!
            pending = records.filter((r) => r.offset > archived)
            if (pending.length === 0) return
          }
          this.#uncertain.add(key)
          await this.engine.ingest(stream.name, pending)
          this.#uncertain.delete(key)
        },
        {
          retries: this.options.retries,
          initialDelayMs: this.options.initialRetryDelayMs,
          operation: `archiving ${batch.topic}[${batch.partition}] offsets ${fresh[0]!.offset}..${batch.lastOffset}`,
          onRetry: ({ attempt, delayMs, error }) =>
            this.logger.warn('archive insert failed; retrying after reading the archived offsets again', {
              topic: batch.topic,
              partition: batch.partition,
              attempt,
              delayMs,
              error,
            }),
        },
      )
    } catch (error) {
      throw redeliverable(error)
    }
    this.#highWater.set(key, Math.max(highWater, fresh[fresh.length - 1]!.offset))
    this.logger.debug('batch archived', { topic: batch.topic, partition: batch.partition, records: records.length, rejected: letters.length, lastOffset: batch.lastOffset })
  }

  /** The consumer's resume offsets: after the highest archived offset of each partition (0 when none). */
  async #resumeFrom(topicName: string, partitions: number[]): Promise<Map<number, number>> {
    const topic = this.#topics.get(topicName)
    if (!topic) throw new TwinflowError('config', `the archiver was assigned topic "${topicName}", which no stream of the pipeline uses`)
    const archived = await this.engine.archivedOffsets(topic.stream.name)
    const resume = new Map<number, number>()
    for (const partition of partitions) {
      const last = archived.get(partition) ?? -1
      const key = `${topicName}\u0000${partition}`
      this.#highWater.set(key, last)
      this.#uncertain.delete(key)
      resume.set(partition, last + 1)
    }
    checkResumeOffsets('the archiver', topicName, resume, await this.log.endOffsets(topicName))
    this.logger.info('archiver resumes from the master table', { topic: topicName, resumeFrom: Object.fromEntries(resume) })
    return resume
  }

  async #refresh(stream: StreamDef, topic: string, partition: number): Promise<void> {
    const archived = await this.engine.archivedOffsets(stream.name)
    const key = `${topic}\u0000${partition}`
    this.#highWater.set(key, archived.get(partition) ?? -1)
    this.#uncertain.delete(key)
  }
}

/**
 * core's `retry` wraps the last error of exhausted retries in a non-retriable error; the log must
 * still redeliver the batch later (it is idempotent here), so the failure stays as retriable as its cause.
 */
function redeliverable(error: unknown): unknown {
  if (!TwinflowError.is(error) || error.retriable || !TwinflowError.isRetriable(error.cause) || error.cause === undefined) return error
  return new TwinflowError('unavailable', error.message, { cause: error, retriable: true, context: error.context })
}
