import { END_OF_INPUT, retry, TwinflowError, type Clock, type EventLog, type Logger, type Pipeline, type Source } from '@twinflow/core'

/**
 * Runs sources: reads each source's batches, appends them to its stream's topic, then acks them.
 * A retriable failure reconnects the source with backoff; a non-retriable one stops that source
 * and is reported through `onError`. Payloads are not validated here: consumers validate and
 * dead-letter, so that one rule decides (the topic may also be written by other producers).
 */
export class IngestRunner {
  readonly #abort = new AbortController()
  readonly #running: Promise<void>[] = []

  constructor(
    private readonly sources: readonly Source[],
    private readonly log: EventLog,
    private readonly pipeline: Pipeline,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(): void {
    for (const source of this.sources) this.#running.push(this.#run(source))
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
    const logger = this.logger.child({ source: source.name, stream: source.stream })
    const signal = this.#abort.signal
    // A source's checkpoint lives in the log it feeds, saved with each batch (see EventLog.produce).
    const key = `source/${source.name}`
    try {
      const checkpoint = await retry(this.clock, () => this.log.loadCheckpoint(key), { retries: 5, operation: `load the checkpoint of source ${source.name}`, signal })
      if (checkpoint !== null) logger.info('source resumes after its checkpoint', { checkpoint })
      await retry(this.clock, () => source.connect(checkpoint), { retries: 5, operation: `connect source ${source.name}`, signal })
      for (;;) {
        const batch = await retry(this.clock, () => source.read(signal), {
          retries: 10,
          operation: `read source ${source.name}`,
          signal,
          onRetry: ({ error, delayMs }) => logger.warn('source read failed; retrying', { error, delayMs }),
        })
        if (batch === END_OF_INPUT) break
        if (batch.messages.length > 0 || batch.checkpoint !== undefined) {
          const messages = batch.messages.map((m) => ({ key: m.key, value: typeof m.value === 'string' ? Buffer.from(m.value) : m.value }))
          const options = batch.checkpoint === undefined ? {} : { checkpoint: { key, value: batch.checkpoint } }
          await retry(this.clock, () => this.log.produce(topic, messages, options), { retries: 10, operation: `produce to ${topic}`, signal })
        }
        await batch.ack()
      }
      logger.info('source reached its end')
    } catch (error) {
      if (signal.aborted) return
      logger.error('source stopped', { error })
      this.onError(error)
    } finally {
      await source.close().catch((error) => logger.warn('source close failed', { error }))
    }
  }
}
