import { OptionsReader } from './options-reader.ts'

/** How the memory log redelivers a batch whose handler rejected with a retriable error. */
export interface MemoryRetryPolicy {
  /** Redeliveries before the member gives up and stops. @default 5 */
  retries: number
  /** Delay before the first redelivery, in ms (doubled each time, with jitter). @default 300 */
  initialDelayMs: number
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs: number
}

export interface MemoryEventLogOptions {
  /** Partitions of a topic created on first use (see `autoCreateTopics`). @default 1 */
  defaultPartitions?: number
  /**
   * Creates an unknown topic on `produce` or `consume` with `defaultPartitions` partitions, like
   * Kafka's `auto.create.topics.enable`. When off, an unknown topic is a `config` error.
   * @default false
   */
  autoCreateTopics?: boolean
  /** Redelivery of batches whose handler failed with a retriable error. */
  retry?: Partial<MemoryRetryPolicy>
}

export type ResolvedMemoryEventLogOptions = Required<Omit<MemoryEventLogOptions, 'retry'>> & { retry: MemoryRetryPolicy }

/** Validates the memory log's options (from code or a config file) and fills in the defaults. */
export function parseMemoryEventLogOptions(raw: unknown): ResolvedMemoryEventLogOptions {
  const options = new OptionsReader(raw, ['defaultPartitions', 'autoCreateTopics', 'retry'])
  const retry = options.object('retry', ['retries', 'initialDelayMs', 'maxDelayMs'])
  return {
    defaultPartitions: options.integer('defaultPartitions', 1),
    autoCreateTopics: options.boolean('autoCreateTopics', false),
    retry: {
      retries: retry.integer('retries', 5, 0),
      initialDelayMs: retry.integer('initialDelayMs', 300, 0),
      maxDelayMs: retry.integer('maxDelayMs', 30_000, 0),
    },
  }
}
