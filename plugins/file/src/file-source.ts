import { open, stat as statByPath } from 'node:fs/promises'
import { END_OF_INPUT, type Clock, type Logger, type Source, type SourceBatch, TwinflowError } from '@twinflow/core'
import { classifyChange, type FileStat } from './file-change.ts'
import { decodeFileCheckpoint, encodeFileCheckpoint, type FileCheckpoint, isBelowWatermark, type TrackedFile, trackFile } from './file-checkpoint.ts'
import { type FileFormat, fileFormatOf } from './file-format.ts'
import { FilePass } from './file-pass.ts'
import type { FileSourceOptions } from './file-source-options.ts'
import { fingerprint } from './fingerprint.ts'
import { type GlobParts, globFiles, globParts, pathOf } from './glob-files.ts'

/** A file to read, found by a look at the folder: where to start, and what it is now. */
interface Work {
  name: string
  format: FileFormat
  from: TrackedFile
  stat: FileStat
}

/**
 * The `file` source: the records of the files a glob matches, in name order. `once` reads the
 * files there at the start and ends; `watch` keeps looking (every `pollIntervalMs` when idle) for
 * new files and for complete records appended to the files it follows.
 *
 * The checkpoint (see FileCheckpoint) says which files are read and how far (a byte offset, a
 * Parquet row), and who each file is (inode, size, mtime, a fingerprint of its first KiB); a
 * restart goes on exactly after the last batch in the log. A file that cannot be read (missing,
 * unreadable, a CSV header that is not one, not a JSON array, not Parquet) is an error in the log
 * and is skipped until it changes; its readable records before the failure are delivered. Records
 * the readers cannot make a value of are dead letters with the reader's reason and their position.
 */
export class FileSource implements Source {
  readonly #parts: GlobParts
  /** The checkpoint of the last batch acked (or given to connect). */
  #committed: FileCheckpoint = { below: null, files: [] }
  /** The checkpoint after the last batch read; the committed one when that was acked. */
  #state: FileCheckpoint = this.#committed
  #pending = false
  #work: Work[] = []
  #pass: FilePass | null = null
  #passWork: Work | null = null
  #scanned = false
  /** The last look at the folder found nothing to read (watch: wait before the next). */
  #idle = false
  #closed = false
  /** Files that failed, by name, with their stat then: skipped until it changes. */
  readonly #failed = new Map<string, string>()
  /** Parquet files waiting to be written whole (watch): their stat and since when it has not changed. */
  readonly #settling = new Map<string, { key: string; since: number }>()
  /** How many listed files the last look found under the watermark (-1: none yet), and how many files dropped under it since. */
  #belowCount = -1
  #droppedSince = 0

  constructor(
    readonly name: string,
    readonly stream: string,
    private readonly options: FileSourceOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    cwd: string = process.cwd(),
  ) {
    this.#parts = globParts(options.path, cwd)
  }

  async connect(checkpoint: string | null): Promise<void> {
    this.#committed = decodeFileCheckpoint(checkpoint, this.name)
    this.#state = this.#committed
    this.#pending = false
    this.#work = []
    this.#scanned = false
    this.#idle = false
    this.#closed = false
    this.#failed.clear()
    this.#belowCount = -1
    this.#droppedSince = 0
    await this.#endPass()
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#endPass()
  }

  async read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT> {
    if (this.#closed) throw new TwinflowError('internal', `source "${this.name}" is closed`)
    if (this.#pending) {
      // The last batch was not acked: read it again, from the last checkpoint acked.
      await this.#endPass()
      this.#state = this.#committed
      this.#work = []
      this.#scanned = false
      this.#pending = false
    }
    for (;;) {
      signal.throwIfAborted()
      if (this.#pass !== null) {
        const step = await this.#step()
        if (step !== null) return this.#batch(step.messages, step.entry)
        continue
      }
      const work = this.#work.shift()
      if (work !== undefined) {
        await this.#startPass(work)
        continue
      }
      if (this.options.mode === 'once') {
        if (this.#scanned) return END_OF_INPUT
        await this.#scan()
        this.#scanned = true
        continue
      }
      if (this.#idle) await this.clock.sleep(this.options.pollIntervalMs, signal)
      await this.#scan()
      this.#scanned = true
      this.#idle = this.#work.length === 0
    }
  }

  #batch(messages: SourceBatch['messages'], entry: TrackedFile): SourceBatch {
    const next = trackFile(this.#state, entry, this.options.trackFiles)
    const tracked = this.#state.files.length + (this.#state.files.some((f) => f.name === entry.name) ? 0 : 1)
    this.#droppedSince += tracked - next.files.length
    this.#state = next
    this.#pending = true
    return {
      messages,
      checkpoint: encodeFileCheckpoint(next),
      ack: async () => {
        if (this.#state !== next) return
        this.#committed = next
        this.#pending = false
      },
    }
  }

  /** The current pass's next batch; null when it is over (or failed: logged, and the file skipped until it changes). */
  async #step(): Promise<{ messages: SourceBatch['messages']; entry: TrackedFile } | null> {
    try {
      const step = await this.#pass!.next()
      if (step === null) await this.#endPass()
      return step
    } catch (error) {
      const work = this.#passWork!
      await this.#endPass()
      this.#fail(work.name, error, work.stat)
      return null
    }
  }

  async #startPass(work: Work): Promise<void> {
    const path = pathOf(this.#parts, work.name)
    const tail = this.options.mode === 'watch' && work.format !== 'parquet'
    try {
      const pass = await FilePass.open(path, work.name, work.from, work.stat, {
        format: work.format,
        csv: this.options.csv,
        maxRecordBytes: this.options.maxRecordBytes,
        batchSize: this.options.batchSize,
        tail,
      })
      if (pass === null) return // changed between the look and the open: the next look sees it
      this.#pass = pass
      this.#passWork = work
      this.#failed.delete(work.name)
    } catch (error) {
      this.#fail(work.name, error, work.stat)
    }
  }

  async #endPass(): Promise<void> {
    const pass = this.#pass
    this.#pass = null
    await pass?.close()
  }

  /** Logs why a file cannot be read and skips it until its stat changes (with none known, until it can be opened). */
  #fail(name: string, error: unknown, stat?: FileStat): void {
    const tracked = this.#state.files.find((f) => f.name === name)
    this.#failed.set(name, stat ? statKey(stat) : '')
    const reason = error instanceof Error ? error.message : String(error)
    this.logger.error('file cannot be read; skipped until it changes', { file: pathOf(this.#parts, name), reason, readUpTo: tracked?.offset ?? 0 })
  }

  /** Looks at the folder: the files to read now, in name order, into the work list. */
  async #scan(): Promise<void> {
    let names: string[]
    try {
      names = await globFiles(this.#parts)
    } catch (error) {
      throw new TwinflowError('unavailable', `source "${this.name}": cannot list ${this.options.path}: ${(error as Error).message}`, { cause: error })
    }
    const state = this.#state
    let below = 0
    for (const name of names) {
      if (isBelowWatermark(state, name)) {
        below++
        continue
      }
      const work = await this.#workOf(
        name,
        state.files.find((f) => f.name === name),
      )
      if (work !== null) this.#work.push(work)
    }
    // More files under the watermark than were dropped there since the last look: new files named to sort before it.
    if (this.#belowCount < 0 && below > 0) this.logger.info('files at or before the watermark are read already and not looked at', { files: below, watermark: state.below })
    else if (this.#belowCount >= 0 && below > this.#belowCount + this.#droppedSince)
      this.logger.warn('new files sort at or before the watermark and are not read: name new files to sort after the files read (a date, a sequence number)', {
        files: below - this.#belowCount - this.#droppedSince,
        watermark: state.below,
      })
    this.#belowCount = below
    this.#droppedSince = 0
    if (names.length === 0 && !this.#scanned) this.logger.warn('no file matches', { path: this.options.path, folder: this.#parts.base })
  }

  /** Whether and from where to read a file now. */
  async #workOf(name: string, tracked: TrackedFile | undefined): Promise<Work | null> {
    const path = pathOf(this.#parts, name)
    let format: FileFormat
    try {
      format = fileFormatOf(name, this.options.format)
    } catch (error) {
      if (!this.#failed.has(name)) this.#fail(name, error)
      return null
    }
    try {
      // A look is a stat by path; the file is opened only to compare its first bytes, when its size or time moved.
      const stat = await statOfPath(path)
      if (this.#failed.get(name) === statKey(stat)) return null
      const fresh: TrackedFile = { name, ino: stat.ino, size: 0, mtimeMs: 0, fp: '', fpBytes: 0, offset: 0, line: format === 'parquet' ? 0 : 1, done: false, closed: false }
      if (tracked === undefined) return this.#settled(name, format, stat) ? { name, format, from: fresh, stat } : null
      const change = await classifyChange(tracked, stat, format, async (bytes) => {
        const handle = await open(path, 'r')
        try {
          return (await fingerprint(handle, bytes)).fp
        } finally {
          await handle.close()
        }
      })
      switch (change) {
        case 'unchanged':
          return tracked.done ? null : { name, format, from: tracked, stat }
        case 'grown':
          return { name, format, from: tracked, stat }
        default:
          if (!this.#settled(name, format, stat)) return null
          this.logger.warn(`file ${change}: read again from its start`, { file: path, readBefore: tracked.offset, size: stat.size })
          return { name, format, from: fresh, stat }
      }
    } catch (error) {
      // Gone between the listing and the look: nothing to read.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      if (this.#failed.get(name) !== undefined) return null
      this.#fail(name, error)
      return null
    }
  }

  /** A Parquet file is read once it has not changed for `settleMs` (watch mode): it is readable only when written whole. */
  #settled(name: string, format: FileFormat, stat: FileStat): boolean {
    if (format !== 'parquet' || this.options.mode === 'once') return true
    const key = statKey(stat)
    const now = performance.now()
    const seen = this.#settling.get(name)
    if (seen?.key !== key) {
      this.#settling.set(name, { key, since: now })
      return this.options.settleMs === 0
    }
    if (now - seen.since < this.options.settleMs) return false
    this.#settling.delete(name)
    return true
  }
}

/** A file's identity and state now, by its path. */
async function statOfPath(path: string): Promise<FileStat> {
  const s = await statByPath(path, { bigint: true })
  return { ino: s.ino === 0n ? '' : s.ino.toString(), size: Number(s.size), mtimeMs: Number(s.mtimeNs / 1000n) / 1000 }
}

function statKey(stat: { ino: string; size: number; mtimeMs: number }): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeMs}`
}
