import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Clock } from '../time/clock.ts'

export interface RetryOptions {
  /** Attempts after the first one. @default 3 */
  retries?: number
  /** Delay before the first retry, in ms. @default 300 */
  initialDelayMs?: number
  /** Each delay is the previous one times this. @default 2 */
  multiplier?: number
  /** Random spread of each delay, as a fraction (0.2 = ±20%). @default 0.2 */
  jitter?: number
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs?: number
  /** Decides whether an error is worth another attempt. @default TwinflowError.isRetriable */
  isRetriable?: (error: unknown) => boolean
  /** Called before each retry (for logs and metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
  signal?: AbortSignal
  /** A name for the operation, used in the exhaustion error. */
  operation?: string
}

/**
 * Runs `fn` until it succeeds, retrying retriable failures with exponential backoff.
 * A non-retriable error is rethrown at once; exhaustion throws an `unavailable` TwinflowError
 * whose `cause` is the last error. Once `signal` aborts, a failure ends it with the signal's reason
 * (neither retried nor passed to `onRetry`). `fn` receives the attempt number, starting at 1.
 */
export async function retry<T>(clock: Clock, fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 3
  const multiplier = options.multiplier ?? 2
  const jitter = options.jitter ?? 0.2
  const maxDelay = options.maxDelayMs ?? 30_000
  const isRetriable = options.isRetriable ?? TwinflowError.isRetriable
  let delay = options.initialDelayMs ?? 300
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (!isRetriable(error)) throw error
      if (attempt > retries) {
        throw new TwinflowError('unavailable', `${options.operation ?? 'operation'} failed after ${attempt} attempts: ${messageOf(error)}`, {
          cause: error,
          retriable: false,
          context: { attempts: attempt },
        })
      }
      // Aborted meanwhile (a stop): what failed was cut short, not a failure to retry and report.
      if (options.signal?.aborted) throw options.signal.reason
      const spread = delay * jitter * (2 * Math.random() - 1)
      const wait = Math.max(0, Math.min(maxDelay, Math.round(delay + spread)))
      options.onRetry?.({ attempt, delayMs: wait, error })
      await clock.sleep(wait, options.signal)
      delay = Math.min(maxDelay, delay * multiplier)
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
