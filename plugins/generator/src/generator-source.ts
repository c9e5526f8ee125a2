import { END_OF_INPUT, type Clock, type Source, type SourceBatch, type StreamDef } from '@twinflow/core'
import type { GeneratorOptions } from './generator-options.ts'
import { schemaEventFactory } from './schema-event-factory.ts'
import { seededRandom } from './seeded-random.ts'

const TICK_MS = 200
const BACKFILL_BATCH = 2_000
const POISON = ['{"truncated": ', 'not json at all', '{"ts": NaN}', '[]', '{}']

/**
 * A source that generates schema-valid events for any stream: first a backfill spread over the
 * past hours, then a live rate. Used by `twinflow dev` and for demos; optionally injects poison.
 * Its checkpoint is how many events it has produced, so a restart continues the count (the backfill
 * is not made twice; `maxEvents` holds across restarts).
 */
export class GeneratorSource implements Source {
  readonly stream: string
  #produced = 0
  readonly #random: () => number
  readonly #make: (time: number) => Record<string, unknown>

  constructor(
    readonly name: string,
    stream: StreamDef,
    private readonly options: GeneratorOptions,
    private readonly clock: Clock,
  ) {
    this.stream = stream.name
    this.#random = seededRandom(options.seed)
    this.#make = schemaEventFactory(stream, options.cardinality, this.#random)
  }

  /** Resumes the count of events produced (backfill included) from the checkpoint: a restart does not backfill again. */
  async connect(checkpoint: string | null): Promise<void> {
    this.#produced = checkpoint === null ? 0 : Number(checkpoint)
  }
  async close(): Promise<void> {}

  async read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT> {
    const { backfillEvents, backfillHours, ratePerSecond, maxEvents } = this.options
    if (this.#produced >= maxEvents) return END_OF_INPUT
    const now = this.clock.now()
    let count: number
    let timeOf: () => number
    if (this.#produced < backfillEvents) {
      count = Math.min(BACKFILL_BATCH, backfillEvents - this.#produced)
      const span = backfillHours * 3_600_000
      timeOf = () => now - Math.floor(this.#random() * span)
    } else {
      await this.clock.sleep(TICK_MS, signal)
      count = Math.max(1, Math.round((ratePerSecond * TICK_MS) / 1000))
      timeOf = () => this.clock.now()
    }
    count = Math.min(count, maxEvents - this.#produced)
    const messages: SourceBatch['messages'] = []
    for (let i = 0; i < count; i++) {
      const poison = this.options.invalidRatio > 0 && this.#random() < this.options.invalidRatio
      messages.push({ value: poison ? POISON[Math.floor(this.#random() * POISON.length)]! : JSON.stringify(this.#make(timeOf())) })
    }
    this.#produced += count
    return { messages, checkpoint: String(this.#produced), ack: async () => {} }
  }
}
