import { TwinflowError } from '@twinflow/core'
import { parseMemoryEventLogOptions, type MemoryEventLogOptions, type ResolvedMemoryEventLogOptions } from './memory-event-log-options.ts'
import { OptionsReader } from './options-reader.ts'

export interface LocalEventLogOptions extends MemoryEventLogOptions {
  /** The directory of the log's files (segments `*.wal` and `groups.json`); created when missing. Required. */
  dir: string
  /** A segment file is rolled (a new one started) once the next write would take it past this size. @default 67108864 (64 MiB) */
  segmentBytes?: number
  /**
   * A segment is deleted once every record in it was appended more than this long ago AND every
   * consumer group of its topics has committed past its records. @default 604800000 (7 days)
   */
  retentionMs?: number
  /**
   * false: a write is durable once the OS holds it (it survives a crash of the process, not a power
   * loss). true: every write is synced to the disk before `produce` resolves (it survives a power
   * loss; slower). @default false
   */
  fsync?: boolean
}

export type ResolvedLocalEventLogOptions = ResolvedMemoryEventLogOptions & Required<Pick<LocalEventLogOptions, 'dir' | 'segmentBytes' | 'retentionMs' | 'fsync'>>

const LOCAL_KEYS = ['dir', 'segmentBytes', 'retentionMs', 'fsync'] as const

/** Validates the local log's options (from code or a config file) and fills in the defaults; the memory log's options mean the same here. */
export function parseLocalEventLogOptions(raw: unknown): ResolvedLocalEventLogOptions {
  const options = new OptionsReader(raw, [...LOCAL_KEYS, 'defaultPartitions', 'autoCreateTopics', 'retry'])
  const fields = (raw ?? {}) as Record<string, unknown>
  const dir = fields.dir
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TwinflowError('config', `option "dir" must be a non-empty path (the directory of the log's files), got ${JSON.stringify(dir) ?? typeof dir}`)
  }
  const memory = Object.fromEntries(Object.entries(fields).filter(([key]) => !(LOCAL_KEYS as readonly string[]).includes(key)))
  return {
    ...parseMemoryEventLogOptions(memory),
    dir,
    segmentBytes: options.integer('segmentBytes', 64 * 1024 * 1024, 1024),
    retentionMs: options.integer('retentionMs', 7 * 24 * 60 * 60 * 1000, 0),
    fsync: options.boolean('fsync', false),
  }
}
