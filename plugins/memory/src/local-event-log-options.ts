import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { memoryEventLogOptionsSchema } from './memory-event-log-options.ts'

/** Options of the `local` event-log plugin: the memory log's, plus where and how its files are kept. */
export const localEventLogOptionsSchema = memoryEventLogOptionsSchema.extend({
  /**
   * The directory of the log's files (segments `*.wal` and `groups.json`); created when missing.
   * @default the plugin: `<dataDir>/log`, in the process's data directory (which the process then holds)
   */
  dir: z.string().min(1).optional(),
  /** A segment file is rolled (a new one started) once the next write would take it past this size. @default 67108864 (64 MiB) */
  segmentBytes: z
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  /**
   * A segment is deleted once every record in it was appended more than this long ago AND every
   * consumer group of its topics has committed past its records. @default 604800000 (7 days)
   */
  retentionMs: z
    .int()
    .min(0)
    .default(7 * 24 * 60 * 60 * 1000),
  /**
   * false: a write is durable once the OS holds it (it survives a crash of the process, not a power
   * loss). true: every write is synced to the disk before `produce` resolves (it survives a power
   * loss; slower). @default false
   */
  fsync: z.boolean().default(false),
})

export type LocalEventLogOptions = z.input<typeof localEventLogOptionsSchema>
/** Parsed options, with the directory known (the plugin fills in `<dataDir>/log`). */
export type ResolvedLocalEventLogOptions = z.output<typeof localEventLogOptionsSchema> & { dir: string }

/** Validates the local log's options (from code or a config file) and fills in the defaults; code that makes a LocalEventLog gives a `dir`. */
export function parseLocalEventLogOptions(raw: unknown): z.output<typeof localEventLogOptionsSchema> {
  return parseOptions(localEventLogOptionsSchema, raw ?? {})
}
