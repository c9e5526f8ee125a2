import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Options of the `chdb` ClickHouse driver plugin. */
export const chdbDriverOptionsSchema = z.strictObject({
  /**
   * Data directory of the embedded ClickHouse. chdb binds ONE data directory per process: every
   * chdb driver of a process must use the same path. A relative path is resolved against the
   * working directory.
   * @default the plugin: `<dataDir>/chdb` (kept across restarts); a ChdbDriver made in code without
   * a path: a fresh temporary directory, removed on close
   */
  path: z
    .string()
    .describe('a non-empty string (the chdb data directory)')
    .regex(/\S/, 'must be a non-empty string (the chdb data directory)')
    .refine((path) => !path.includes('\0'), 'must not contain a NUL character')
    .optional(),
  /**
   * After an insert, the driver returns the memory ClickHouse freed to the system
   * (`SYSTEM JEMALLOC PURGE`), at most this often, in ms; 0: never. chdb runs none of a server's
   * background memory work, and without it the process keeps every page its allocator ever used.
   * @default 5000
   */
  releaseMemoryEveryMs: z.int().min(0).default(5000),
  /**
   * A GROUP BY or an ORDER BY whose state grows past this many bytes goes on on disk, in the data
   * directory (ClickHouse's `max_bytes_before_external_group_by` and `..._sort`): a batch run's
   * memory stays bounded however many groups a view has. 0: never spill.
   * @default 268435456 (256 MiB)
   */
  spillAboveBytes: z
    .int()
    .min(0)
    .default(256 * 1024 * 1024),
})

export type ChdbDriverOptions = z.output<typeof chdbDriverOptionsSchema>
export type ChdbDriverOptionsInput = z.input<typeof chdbDriverOptionsSchema>

/** Validates raw plugin options; a `config` error says what to fix (the plugin module adds where). */
export function parseChdbDriverOptions(raw: unknown): ChdbDriverOptions {
  return parseOptions(chdbDriverOptionsSchema, raw ?? {})
}
