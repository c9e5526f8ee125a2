import { z } from 'zod'

/** Options of the batch part cache: `serving.cache` in the config. */
export const batchPartCacheOptionsSchema = z.strictObject({
  /** Most partial rows kept, over every view and version (chunks, and a quarter as much again in merged ranges). @default 250000 */
  maxRows: z.int().min(1).max(100_000_000).default(250_000),
  /** Windows per cached chunk (chunks are aligned on multiples of their length). @default 64 */
  chunkWindows: z.int().min(1).max(100_000).default(64),
})

export type BatchPartCacheOptions = z.input<typeof batchPartCacheOptionsSchema>
export type ResolvedBatchPartCacheOptions = z.output<typeof batchPartCacheOptionsSchema>
