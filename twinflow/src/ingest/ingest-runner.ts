import {
  END_OF_INPUT,
  followSignals,
  MASKED_HEADERS,
  PiiMasking,
  retry,
  TwinflowError,
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type EventLog,
  type IngestOutcome,
  type LogMessage,
  type Logger,
  type Pipeline,
  type Source,
  type SourceBatch,
} from '@twinflow/core'
import { checkCheckpointInputs } from './check-checkpoint-inputs.ts'
import { compileIngestCheck, type IngestCheck } from './compile-ingest-check.ts'

/** Rejected inputs a log line names, at most, per batch (the dead-letter queue has them all). */
const NAMED_PER_BATCH = 5

/**
 * Runs sources: reads each source's batches, maps and validates every message (compileIngestCheck),
 * writes the rejected ones to the dead-letter queue (stage `ingest`, with the source's name and the
 * message's position), appends the valid ones to its stream's topic with the batch's checkpoint
 * (`checkpointAfter(outcome)` when the source gives one), then acks the batch with its outcome.
 * Dead letters are written before the append: a crash in between reads the batch again from the
 * previous checkpoint, and its letters have the same identity.
 * A stream with personal fields is masked by the check (see compileIngestCheck), and its messages
 * carry MASKED_HEADERS, so that the consumers do not mask them again.
 * A source with `readAhead` is read (and its batch checked) while its previous batch is appended;
 * appends stay one at a time, in order, each with its batch's checkpoint.
 * A retriable failure reconnects the source with backoff; a non-retriable one stops that source
 * and is reported through `onError`.
 */
export class IngestRunner {
  readonly #abort = new AbortController()
  readonly #running: Promise<void>[] = []
  readonly #checks = new Map<Source, IngestCheck>()
  readonly #connected = new Set<Source>()

  /** `mappings`: the field mapping of each source that has one, by source name (the config's `sources[].mapping`); a bad one throws a `config` error here. */
  constructor(
    private readonly sources: readonly Source[],
    private readonly log: EventLog,
    private readonly deadLetters: DeadLetterQueue,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    mappings: ReadonlyMap<string, { mapping: unknown; where: string }> = new Map(),
    private readonly onError: (error: unknown) => void = () => {},
    private readonly masking = new PiiMasking(pipeline.streams, null),
  ) {
    for (const source of sources) {
      const mapping = mappings.get(source.name)
      const stream = pipeline.stream(source.stream)
      this.#checks.set(source, compileIngestCheck(stream, mapping?.mapping, mapping?.where ?? 'mapping', masking))
      checkCheckpointInputs(stream, source, mapping?.mapping)
    }
  }

  start(): void {
    for (const source of this.sources) this.#running.push(this.#run(source))
  }

  /** Whether every source has connected once (a push source takes requests from then on): part of the process's readiness. */
  get connected(): boolean {
    return this.#connected.size === this.sources.length
  }

  /** Resolves when every finite source has reached its end. */
  async finished(): Promise<void> {
    await Promise.all(this.#running)
  }

  async stop(): Promise<void> {
    this.#abort.abort(new TwinflowError('unavailable', 'stopping'))
    await Promise.allSettled(this.#running)
  }

  async #run(source: Source): Promise<void> {
    const topic = this.pipeline.stream(source.stream).topic
    const check = this.#checks.get(source)!
    const headers = this.masking.hasPersonalFields(source.stream) ? { headers: MASKED_HEADERS } : {}
    const logger = this.logger.child({ source: source.name, stream: source.stream })
    const signal = this.#abort.signal
    // A source with `readAhead` reads and checks its next batch while the previous one is appended:
    // `appending` is that append (and ack); if it fails, `failed` cuts short the read in progress.
    const readAhead = source.readAhead === true
    const failed = new AbortController()
    const reading = readAhead ? followSignals([signal, failed.signal]) : null
    const readSignal = reading?.signal ?? signal
    let appending: Promise<void> | null = null
    // A source's checkpoint lives in the log it feeds, saved with each batch (see EventLog.produce).
    const key = `source/${source.name}`
    try {
      const checkpoint = await retry(this.clock, () => this.log.loadCheckpoint(key), { retries: 5, operation: `load the checkpoint of source ${source.name}`, signal })
      if (checkpoint !== null)
        logger.info('source resumes after its checkpoint', { checkpoint: checkpoint.length > 200 ? `${checkpoint.slice(0, 200)}… (${checkpoint.length} chars)` : checkpoint })
      await retry(this.clock, () => source.connect(checkpoint), { retries: 5, operation: `connect source ${source.name}`, signal })
      this.#connected.add(source)
      for (;;) {
        const batch = await retry(this.clock, () => source.read(readSignal), {
          retries: 10,
          operation: `read source ${source.name}`,
          signal: readSignal,
          onRetry: ({ error, delayMs }) => logger.warn('source read failed; retrying', { error, delayMs }),
        })
        if (batch === END_OF_INPUT) break
        const now = this.clock.now()
        const valid: LogMessage[] = []
        const rejected: { index: number; reason: string }[] = []
        const letters: DeadLetter[] = []
        batch.messages.forEach((message, index) => {
          const result = check(message, now)
          if (result.ok) {
            valid.push(message.key === undefined ? { value: result.payload, ...headers } : { key: message.key, value: result.payload, ...headers })
            return
          }
          rejected.push({ index, reason: result.reason })
          const position = message.position === undefined ? {} : { position: message.position }
          letters.push({ stream: source.stream, stage: 'ingest', reason: result.reason, payload: result.payload, source: source.name, ...position, at: now })
        })
        // Dead letters before the batch's append (and, reading ahead, possibly before the previous
        // batch's): a crash in between reads the batch again, and its letters have the same identity.
        if (letters.length > 0) {
          await retry(this.clock, () => this.deadLetters.write(letters), { retries: 10, operation: `write ${letters.length} dead letters of source ${source.name}`, signal })
          logger.warn('source inputs rejected', {
            rejected: letters.length,
            of: batch.messages.length,
            first: letters.slice(0, NAMED_PER_BATCH).map((l) => ({ position: l.position, reason: l.reason })),
          })
        }
        const outcome = { accepted: valid.length, rejected }
        if (appending !== null) await appending
        appending = this.#append(topic, key, batch, valid, outcome, signal)
        if (!readAhead) {
          await appending
          appending = null
        } else appending.catch((error: unknown) => failed.abort(error))
      }
      if (appending !== null) await appending
      logger.info('source reached its end')
    } catch (error) {
      if (signal.aborted) return
      const cause = failed.signal.aborted ? failed.signal.reason : error
      logger.error('source stopped', { error: cause })
      this.onError(cause)
    } finally {
      await appending?.catch(() => {})
      reading?.dispose()
      await source.close().catch((error) => logger.warn('source close failed', { error }))
    }
  }

  /** Appends a batch's valid messages to its topic with its checkpoint (one produce call), then acks it. */
  async #append(topic: string, key: string, batch: SourceBatch, valid: LogMessage[], outcome: IngestOutcome, signal: AbortSignal): Promise<void> {
    const checkpoint = batch.checkpointAfter ? batch.checkpointAfter(outcome) : batch.checkpoint
    if (valid.length > 0 || checkpoint !== undefined) {
      const options = checkpoint === undefined ? {} : { checkpoint: { key, value: checkpoint } }
      await retry(this.clock, () => this.log.produce(topic, valid, options), { retries: 10, operation: `produce to ${topic}`, signal })
    }
    await batch.ack(outcome)
  }
}
