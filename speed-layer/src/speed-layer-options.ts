import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Retries of the speed layer's writes to the dead-letter queue (channels have their own: `sinks[].delivery`). */
export const speedRetryOptionsSchema = z.strictObject({
  /** Attempts after the first one; then the batch fails for good and the worker stops. @default 5 */
  retries: z.int().min(0).default(5),
  /** Delay before the first retry, in ms (doubled each time). @default 300 */
  initialDelayMs: z.int().min(0).default(300),
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs: z.int().min(0).default(30_000),
})

/** Options of the speed layer: `speed` in the Twinflow config. */
export const speedLayerOptionsSchema = z.strictObject({
  /** Consumer group of the speed workers, and the name their progress is recorded under in the realtime store. @default 'twinflow-speed' */
  groupId: z.string().min(1).default('twinflow-speed'),
  /** Most records per log batch; each batch is one pre-aggregated, fenced apply (and one progress write). @default 5000 */
  maxBatchSize: z.int().min(1).default(5000),
  /** How often the views' published cutoffs are read again, in ms. @default 30000 */
  cutoffRefreshMs: z.int().min(1).default(30_000),
  /** Larger event payloads are dead-lettered as `oversized`. @default 1048576 (1 MiB) */
  maxEventBytes: z
    .int()
    .min(1)
    .default(1024 * 1024),
  retry: speedRetryOptionsSchema.prefault({}),
  /**
   * Worker threads that run each batch's first pass (decode, validate, evaluate the views,
   * pre-aggregate) beside the event loop, which keeps fetching, applying and committing. The
   * threads import the pipeline module the config names (`pipeline`), so they need one. `'auto'`:
   * one thread when the pipeline module is known and the machine has more than one core, else
   * none. `0`: every batch folds on the event loop.
   * @default 'auto'
   */
  foldThreads: z.union([z.int().min(0), z.literal('auto')]).default('auto'),
  /**
   * How long a fold thread with batches to fold may answer nothing before it is terminated and
   * replaced (its batches are retried): a fold that never returns, such as a loop in a custom field
   * type's parser. Three in a row with no batch folded between them stop the worker with an error.
   * Folding on the event loop (`foldThreads: 0`) has no such guard. @default 30000
   */
  foldTimeoutMs: z.int().min(100).default(30_000),
})

export type SpeedRetryOptions = z.input<typeof speedRetryOptionsSchema>
export type SpeedLayerOptions = z.input<typeof speedLayerOptionsSchema>
export type ResolvedSpeedLayerOptions = z.output<typeof speedLayerOptionsSchema>

/**
 * Validates the speed layer's options (from code, or the config's `speed` section, which parse to
 * themselves) and fills in the defaults; a `config` error names each option to fix (`speed.retry.retries`).
 */
export function parseSpeedLayerOptions(raw: unknown): ResolvedSpeedLayerOptions {
  return parseOptions(speedLayerOptionsSchema, raw ?? {}, 'speed')
}
