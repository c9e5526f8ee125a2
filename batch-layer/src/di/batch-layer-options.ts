import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { archiverOptionsSchema } from '../archiver/archiver-options.ts'
import { batchRunnerOptionsSchema } from '../runner/batch-runner-options.ts'

/** Options of the batch layer: `batch` in the Twinflow config. */
export const batchLayerOptionsSchema = z.strictObject({
  /** Cron expression of the batch runs of every view, in UTC (5 fields, or 6 with seconds first). @default '* * * * *' */
  schedule: z.string().regex(/\S/).describe('a cron expression such as "* * * * *"').default('* * * * *'),
  /** The archiver, which copies the log into the master tables. */
  archiver: archiverOptionsSchema.prefault({}),
  /** The batch runner, which recomputes and publishes the views. */
  runner: batchRunnerOptionsSchema.prefault({}),
})

export type BatchLayerOptions = z.input<typeof batchLayerOptionsSchema>
export type ResolvedBatchLayerOptions = z.output<typeof batchLayerOptionsSchema>

/**
 * Validates the batch layer's options (from code, or the config's `batch` section, which parse to
 * themselves) and fills in the defaults; a `config` error names each option to fix (`batch.runner.keepVersions`).
 */
export function parseBatchLayerOptions(raw: unknown): ResolvedBatchLayerOptions {
  return parseOptions(batchLayerOptionsSchema, raw ?? {}, 'batch')
}
