import { open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { TwinflowError, type Logger } from '@twinflow/core'
import { syncDir } from './wal.ts'

/** A consumer group as saved: the topics it consumed and its committed offsets (next offset to read) per topic and partition. */
export interface SavedGroup {
  topics: string[]
  offsets: Record<string, Record<string, number>>
}

export type SavedGroups = Record<string, SavedGroup>

/**
 * `groups.json` of the local log: the committed offsets of its consumer groups. Written whole and
 * atomically (a temporary file renamed over it); writes are coalesced: at most one is in flight,
 * and the newest state asked for is written after it.
 */
export class GroupOffsetsFile {
  readonly path: string
  readonly #tmp: string
  readonly #fsync: boolean
  readonly #logger: Logger
  #snapshot: (() => SavedGroups) | null = null
  #dirty = false
  #writing: Promise<void> | null = null
  #lastError: unknown = null

  constructor(dir: string, fsync: boolean, logger: Logger) {
    this.path = join(dir, 'groups.json')
    this.#tmp = `${this.path}.tmp`
    this.#fsync = fsync
    this.#logger = logger
  }

  /** The saved groups, or none when the file does not exist. */
  async load(): Promise<SavedGroups> {
    await rm(this.#tmp, { force: true })
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw error
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; groups?: unknown }
      if (parsed.version !== 1 || typeof parsed.groups !== 'object' || parsed.groups === null) throw new Error('expected {"version":1,"groups":{...}}')
      return parsed.groups as SavedGroups
    } catch (error) {
      throw new TwinflowError(
        'config',
        `${this.path} is not a groups file of the local event log (${error instanceof Error ? error.message : String(error)}); move it away to start the groups afresh`,
        {
          cause: error,
        },
      )
    }
  }

  /** Asks for the groups to be written (now, or after the write in flight); `snapshot` is read when the write starts. */
  save(snapshot: () => SavedGroups): void {
    this.#snapshot = snapshot
    this.#dirty = true
    this.#writing ??= this.#writeWhileDirty()
  }

  /** Resolves once what was asked is written; rejects with the last write's error, if it failed. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing
    if (this.#lastError) throw new TwinflowError('unavailable', `the local event log could not write ${this.path}: ${String(this.#lastError)}`, { cause: this.#lastError })
  }

  async #writeWhileDirty(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false
      try {
        await this.#write(JSON.stringify({ version: 1, groups: this.#snapshot!() }))
        this.#lastError = null
      } catch (error) {
        // Kept for flush(); the next commit tries again. A lost commit only means a redelivery.
        if (this.#lastError === null) this.#logger.error('the local event log could not write its consumer groups', { file: this.path, error })
        this.#lastError = error
      }
    }
    this.#writing = null
  }

  async #write(text: string): Promise<void> {
    const handle = await open(this.#tmp, 'w')
    try {
      await handle.writeFile(text, 'utf8')
      if (this.#fsync) await handle.datasync()
    } finally {
      await handle.close()
    }
    await rename(this.#tmp, this.path)
    if (this.#fsync) await syncDir(join(this.path, '..'))
  }
}
