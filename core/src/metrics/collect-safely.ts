import type { Logger } from '../logging/logger.ts'

/**
 * Wraps a metric's `collect` so that a runtime that does not answer leaves the metric as it was
 * (logged once per failure streak) instead of failing the whole scrape.
 */
export function collectSafely<T>(name: string, logger: Logger, collect: (this: T) => Promise<void> | void): (this: T) => Promise<void> {
  let failing = false
  return async function (this: T) {
    try {
      await collect.call(this)
      failing = false
    } catch (error) {
      if (!failing) logger.warn('could not collect a metric; keeping its last value', { metric: name, error })
      failing = true
    }
  }
}
