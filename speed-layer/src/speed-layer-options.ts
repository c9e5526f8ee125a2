import { TwinflowError } from '@twinflow/core'

/** Retries of the speed layer's writes to sinks and to the dead-letter queue. */
export interface SpeedRetryOptions {
  /** Attempts after the first one; then the batch fails for good and the worker stops. @default 5 */
  retries?: number
  /** Delay before the first retry, in ms (doubled each time). @default 300 */
  initialDelayMs?: number
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs?: number
}

export interface SpeedLayerOptions {
  /** Consumer group of the speed workers, and the name their progress is recorded under in the realtime store. @default 'twinflow-speed' */
  groupId?: string
  /** Most records per log batch; each batch is one pre-aggregated, fenced apply (and one progress write). @default 5000 */
  maxBatchSize?: number
  /** How often the views' published cutoffs are read again, in ms. @default 30000 */
  cutoffRefreshMs?: number
  /** Larger event payloads are dead-lettered as `oversized`. @default 1048576 (1 MiB) */
  maxEventBytes?: number
  retry?: SpeedRetryOptions
  /**
   * Worker threads that run each batch's first pass (decode, validate, evaluate the views,
   * pre-aggregate) beside the event loop, which keeps fetching, applying and committing. The
   * threads import the pipeline module the config names (`pipeline`), so they need one. `'auto'`:
   * one thread when the pipeline module is known and the machine has more than one core, else
   * none. `0`: every batch folds on the event loop.
   * @default 'auto'
   */
  foldThreads?: number | 'auto'
  /**
   * How long a fold thread with batches to fold may answer nothing before it is terminated and
   * replaced (its batches are retried): a fold that never returns, such as a loop in a custom field
   * type's parser. Three in a row with no batch folded between them stop the worker with an error.
   * Folding on the event loop (`foldThreads: 0`) has no such guard. @default 30000
   */
  foldTimeoutMs?: number
}

export type ResolvedSpeedLayerOptions = Required<Omit<SpeedLayerOptions, 'retry'>> & { retry: Required<SpeedRetryOptions> }

const KNOWN = ['groupId', 'maxBatchSize', 'cutoffRefreshMs', 'maxEventBytes', 'retry', 'foldThreads', 'foldTimeoutMs']
const KNOWN_RETRY = ['retries', 'initialDelayMs', 'maxDelayMs']

/** Validates the speed layer's options (from code or the config's `speed` section) and fills in the defaults. */
export function parseSpeedLayerOptions(raw: unknown): ResolvedSpeedLayerOptions {
  const options = record(raw ?? {}, 'speed layer options', KNOWN)
  const retry = record(options.retry ?? {}, 'speed layer option "retry"', KNOWN_RETRY)
  const groupId = options.groupId ?? 'twinflow-speed'
  if (typeof groupId !== 'string' || groupId.length === 0) fail(`option "groupId" must be a non-empty string, got ${JSON.stringify(groupId)}`)
  return {
    groupId: groupId as string,
    maxBatchSize: integer(options, 'maxBatchSize', 5000, 1),
    cutoffRefreshMs: integer(options, 'cutoffRefreshMs', 30_000, 1),
    maxEventBytes: integer(options, 'maxEventBytes', 1024 * 1024, 1),
    foldThreads: options.foldThreads === undefined || options.foldThreads === 'auto' ? 'auto' : integer(options, 'foldThreads', 0, 0, '', "or 'auto'"),
    foldTimeoutMs: integer(options, 'foldTimeoutMs', 30_000, 100),
    retry: {
      retries: integer(retry, 'retries', 5, 0, 'retry.'),
      initialDelayMs: integer(retry, 'initialDelayMs', 300, 0, 'retry.'),
      maxDelayMs: integer(retry, 'maxDelayMs', 30_000, 0, 'retry.'),
    },
  }
}

function fail(message: string): never {
  throw new TwinflowError('config', `speed layer: ${message}`)
}

function record(raw: unknown, what: string, known: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${what} must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`)
  const value = raw as Record<string, unknown>
  for (const key of Object.keys(value)) if (!known.includes(key)) fail(`unknown option "${key}" in ${what}; known: ${known.join(', ')}`)
  return value
}

function integer(options: Record<string, unknown>, key: string, fallback: number, min: number, prefix = '', or = ''): number {
  const value = options[key]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`option "${prefix}${key}" must be an integer >= ${min}${or ? ` ${or}` : ''}, got ${JSON.stringify(value) ?? typeof value}`)
  }
  return value
}
