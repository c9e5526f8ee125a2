import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import { TwinflowError, type Logger } from '@twinflow/core'
import { BlockCache } from './block-cache.ts'
import { decodeFrame, FRAME_HEADER_BYTES, frameDefect, type DecodedFrame } from './wal-frame.ts'
import { WalSegment } from './wal-segment.ts'

/** What the write-ahead log asks of the log that keeps its state. */
export interface WalHooks {
  /**
   * Applies a frame found at open (in log order) to the log's state, all of it or nothing; false
   * when it does not follow the frames before it (the log then ends before it).
   */
  recover(frame: DecodedFrame, segment: WalSegment, position: number): boolean
  /** The state frame that starts a new segment: the log's state after every frame written so far. */
  stateFrame(): Buffer
  /** A new segment was started (the log may apply retention); the writer goes on when this resolves. */
  rolled(): Promise<void>
  /** A write failed: every frame queued was rejected, and the log goes back to the frames written. */
  writesFailed(): void
}

export interface WalOptions {
  dir: string
  segmentBytes: number
  fsync: boolean
  logger: Logger
  /** Bytes of blocks kept in memory for readers. @default 8 MiB */
  cacheBytes?: number
}

/** Where a block of records lies. */
export interface BlockRef {
  segment: number
  position: number
  length: number
}

interface QueuedFrame {
  frame: Buffer
  written: (segment: WalSegment, position: number) => void
  resolve: () => void
  reject: (error: unknown) => void
}

/** Bytes read from a file per read at open. */
const SCAN_CHUNK = 4 * 1024 * 1024
/** One read covers neighbouring blocks up to this many bytes. */
const READ_SPAN = 1024 * 1024
/** Frames written with one write, at most. */
const WRITE_BATCH_BYTES = 8 * 1024 * 1024
/** Segment files kept open for reading besides the one written. */
const OPEN_READERS = 16

/**
 * The write-ahead log of the local event log: segment files of frames (see wal-frame.ts) in one
 * directory. One writer appends frames in the order `append` was called, several at a time when
 * they queue up, rolling to a new segment (which starts with a state frame) once the next write
 * would take the segment past `segmentBytes`. At open, every frame's CRC is checked and the log is
 * the longest sound prefix: a torn or corrupt frame and everything after it is cut, with a warning.
 */
export class Wal {
  readonly #options: WalOptions
  readonly #hooks: WalHooks
  readonly #cache: BlockCache
  #segments: WalSegment[] = []
  readonly #queue: QueuedFrame[] = []
  #writing: Promise<void> | null = null
  /** Set when a failed write could not be undone: nothing more is written until the log is reopened. */
  #broken: TwinflowError | null = null
  /** Segments open for reading, least recently used first. */
  readonly #readers = new Set<WalSegment>()

  private constructor(options: WalOptions, hooks: WalHooks) {
    this.#options = options
    this.#hooks = hooks
    this.#cache = new BlockCache(options.cacheBytes ?? 8 * 1024 * 1024)
  }

  /** Opens the log in `options.dir` (created when missing), handing every sound frame to `hooks.recover`. */
  static async open(options: WalOptions, hooks: WalHooks): Promise<Wal> {
    const wal = new Wal(options, hooks)
    await wal.#recover()
    return wal
  }

  /** The segments, oldest first; the last one is written. */
  get segments(): readonly WalSegment[] {
    return this.#segments
  }

  /** Bytes of blocks in the read cache. */
  get cachedBytes(): number {
    return this.#cache.bytes
  }

  /**
   * Queues a frame; resolves once it is written (and synced, with `fsync`), after `written` was told
   * where. Rejects with a retriable `unavailable` error when the write failed (the frames queued
   * after it fail too), or a non-retriable one when the log could not undo a failed write.
   */
  append(frame: Buffer, written: (segment: WalSegment, position: number) => void): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken)
    return new Promise((resolve, reject) => {
      this.#queue.push({ frame, written, resolve, reject })
      this.#writing ??= this.#writeQueued()
    })
  }

  /** Keeps a block just written for the readers that follow the tail. */
  cacheBlock(segment: number, position: number, block: Buffer): void {
    this.#cache.set(segment, position, block)
  }

  /**
   * The bytes of blocks, in the order asked. The segments must be in the log when called (the
   * caller looks them up and calls at once); one removed meanwhile is read until the call ends.
   */
  async readBlocks(refs: readonly BlockRef[]): Promise<Buffer[]> {
    const used = new Set<WalSegment>()
    for (const ref of refs) used.add(this.#segment(ref.segment))
    for (const segment of used) {
      segment.acquire()
      this.#readers.delete(segment)
      this.#readers.add(segment)
    }
    try {
      const out: Buffer[] = new Array(refs.length)
      const spans: { segment: WalSegment; start: number; end: number; items: number[] }[] = []
      refs.forEach((ref, i) => {
        const cached = this.#cache.get(ref.segment, ref.position)
        if (cached) {
          out[i] = cached
          return
        }
        const last = spans.at(-1)
        if (last && last.segment.number === ref.segment && ref.position >= last.end && ref.position + ref.length - last.start <= READ_SPAN) {
          last.end = ref.position + ref.length
          last.items.push(i)
        } else {
          spans.push({ segment: this.#segment(ref.segment), start: ref.position, end: ref.position + ref.length, items: [i] })
        }
      })
      await Promise.all(
        spans.map(async (span) => {
          let bytes: Buffer
          try {
            bytes = await span.segment.read(span.start, span.end - span.start)
          } catch (error) {
            throw new TwinflowError('unavailable', `the local event log could not read ${span.segment.path}: ${messageOf(error)}`, { cause: error })
          }
          for (const i of span.items) {
            const ref = refs[i]!
            const block = bytes.subarray(ref.position - span.start, ref.position - span.start + ref.length)
            // A block kept alone in the cache holds no bytes of its neighbours.
            const own = block.length === bytes.length ? block : Buffer.from(block)
            this.#cache.set(ref.segment, ref.position, own)
            out[i] = own
          }
        }),
      )
      return out
    } finally {
      for (const segment of used) segment.release()
      this.#closeIdleReaders()
    }
  }

  /**
   * Drops the oldest segment (never the one written) at once: its blocks leave the cache. Resolves
   * once its file is deleted, or at once when a read still uses it (deleted when the read ends).
   */
  removeOldest(): Promise<void> {
    if (this.#segments.length < 2) throw new Error('the segment written cannot be removed')
    const segment = this.#segments.shift()!
    this.#cache.dropSegment(segment.number)
    this.#readers.delete(segment)
    return segment.remove((error) => this.#options.logger.warn('the local event log could not delete a segment past retention', { file: segment.path, error }))
  }

  /** Resolves once every frame queued so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.#writing) await this.#writing
  }

  /** Waits for the writes queued, then closes every file. */
  async close(): Promise<void> {
    await this.drain()
    this.#readers.clear()
    await Promise.all(this.#segments.map((s) => s.close()))
  }

  #segment(number: number): WalSegment {
    const segment = this.#segments[number - (this.#segments[0]?.number ?? 0)]
    if (segment?.number !== number) throw new Error(`wal: segment ${number} is not in the log`)
    return segment
  }

  get #active(): WalSegment {
    return this.#segments[this.#segments.length - 1]!
  }

  async #writeQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch: QueuedFrame[] = []
      let position = 0
      try {
        const first = this.#queue[0]!.frame.length
        if (this.#active.size > this.#active.stateBytes && this.#active.size + first > this.#options.segmentBytes) {
          await this.#roll()
          await this.#hooks.rolled()
        }
        const active = this.#active
        position = active.size
        let bytes = 0
        while (this.#queue.length > 0) {
          const next = this.#queue[0]!.frame.length
          if (batch.length > 0 && (bytes + next > WRITE_BATCH_BYTES || position + bytes + next > this.#options.segmentBytes)) break
          batch.push(this.#queue.shift()!)
          bytes += next
        }
        await active.write(
          batch.length === 1
            ? batch[0]!.frame
            : Buffer.concat(
                batch.map((b) => b.frame),
                bytes,
              ),
          position,
        )
        if (this.#options.fsync) await active.datasync()
      } catch (error) {
        await this.#writeFailed(error, batch)
        if (this.#broken) break
        continue
      }
      const active = this.#active
      try {
        for (const item of batch) {
          active.newestAppendTime = Math.max(active.newestAppendTime, appendTimeOf(item.frame))
          item.written(active, position)
          position += item.frame.length
          active.size = position
        }
      } catch (error) {
        // A bug: the frames are on disk but the log's state does not have them. Stop writing; a reopen rebuilds the state from the files.
        this.#broken = new TwinflowError('internal', `the local event log failed to apply a frame it wrote (${messageOf(error)}): reopen it`, { cause: error })
        this.#options.logger.error('the local event log failed to apply a frame it wrote', { error })
        for (const item of [...batch, ...this.#queue.splice(0)]) item.reject(this.#broken)
        break
      }
      for (const item of batch) item.resolve()
    }
    this.#writing = null
  }

  /** Undoes a failed write (cuts the segment back to its whole frames) and rejects everything queued. */
  async #writeFailed(error: unknown, batch: QueuedFrame[]): Promise<void> {
    const active = this.#active
    let failure = new TwinflowError('unavailable', `the local event log could not write to ${active.path}: ${messageOf(error)}`, {
      cause: error,
      context: { dir: this.#options.dir },
    })
    try {
      await active.truncate(active.size)
    } catch (undo) {
      failure = new TwinflowError('unavailable', `the local event log could not write to ${active.path} (${messageOf(error)}) nor undo the write (${messageOf(undo)}): reopen it`, {
        cause: error,
        retriable: false,
        context: { dir: this.#options.dir },
      })
      this.#broken = failure
    }
    // At once after the undo: what was queued meanwhile has offsets after the failed frames, so it fails too.
    const failed = [...batch, ...this.#queue.splice(0)]
    this.#hooks.writesFailed()
    this.#options.logger.error('the local event log failed to write', { error, file: active.path, frames: failed.length })
    for (const item of failed) item.reject(failure)
  }

  /** Starts the next segment with a state frame. */
  async #roll(): Promise<void> {
    const next = new WalSegment(this.#options.dir, this.#active.number + 1)
    await next.create()
    try {
      await this.#startSegment(next)
      if (this.#options.fsync) await syncDir(this.#options.dir)
    } catch (error) {
      await next.close().catch(() => {})
      await unlink(next.path).catch(() => {})
      throw error
    }
    this.#segments.push(next)
    this.#readers.add(this.#segments[this.#segments.length - 2]!)
    this.#closeIdleReaders()
  }

  /** Writes the state frame an empty segment starts with. */
  async #startSegment(segment: WalSegment): Promise<void> {
    const state = this.#hooks.stateFrame()
    await segment.write(state, 0)
    if (this.#options.fsync) await segment.datasync()
    segment.size = segment.stateBytes = state.length
    segment.newestAppendTime = appendTimeOf(state)
  }

  #closeIdleReaders(): void {
    if (this.#readers.size <= OPEN_READERS) return
    for (const segment of this.#readers) {
      if (this.#readers.size <= OPEN_READERS) break
      if (!segment.idle || segment === this.#active) continue
      this.#readers.delete(segment)
      void segment.close().catch((error) => this.#options.logger.warn('the local event log could not close a segment', { file: segment.path, error }))
    }
  }

  async #recover(): Promise<void> {
    const { dir, logger } = this.#options
    await mkdir(dir, { recursive: true })
    const numbers = (await readdir(dir))
      .map((name) => WalSegment.numberOf(name))
      .filter((n) => n !== null)
      .sort((a, b) => a - b)
    for (let i = 1; i < numbers.length; i++) {
      if (numbers[i] !== numbers[i - 1]! + 1) {
        throw new TwinflowError(
          'config',
          `the local event log in ${dir} misses segment files between ${WalSegment.fileName(numbers[i - 1]!)} and ${WalSegment.fileName(numbers[i]!)}: its files were changed by hand`,
          { context: { dir } },
        )
      }
    }
    const segments = numbers.map((n) => new WalSegment(dir, n))
    for (const [i, segment] of segments.entries()) {
      const fileSize = await segment.fileSize()
      const defect = await this.#scan(segment, fileSize)
      if (defect === null) continue
      // The log is its longest sound prefix: cut this file at the defect and drop the files after it.
      const later = segments.splice(i + 1)
      let dropped = fileSize - segment.size
      for (const s of later) {
        dropped += (await stat(s.path)).size
        await unlink(s.path)
      }
      await segment.truncate(segment.size)
      logger.warn(`the local event log cut ${dropped} bytes after ${defect} (a write torn by a crash, or a damaged file)`, {
        file: segment.path,
        position: segment.size,
        bytes: dropped,
        filesDropped: later.map((s) => s.path),
      })
      break
    }
    if (segments.length === 0) {
      const first = new WalSegment(dir, 0)
      await first.create()
      segments.push(first)
    }
    this.#segments = segments
    if (this.#active.size === 0) await this.#startSegment(this.#active)
    for (const segment of segments.slice(0, -1)) await segment.close()
  }

  /** Reads a segment's frames, handing each sound one to `recover`; sets its size to the sound bytes; returns the defect that ends them, if any. */
  async #scan(segment: WalSegment, fileSize: number): Promise<string | null> {
    let chunk: Buffer = Buffer.alloc(0)
    let chunkStart = 0
    let position = 0
    try {
      while (position < fileSize) {
        if (chunkStart + chunk.length - position < FRAME_HEADER_BYTES) {
          chunk = await segment.readUpTo(position, SCAN_CHUNK)
          chunkStart = position
        }
        const head = chunk.subarray(position - chunkStart)
        if (head.length < FRAME_HEADER_BYTES) return 'a frame header cut short'
        const total = FRAME_HEADER_BYTES + head.readUInt32LE(4)
        if (position + total > fileSize) return frameDefect(head) ?? 'a frame cut short'
        if (head.length < total) {
          chunk = await segment.readUpTo(position, Math.max(SCAN_CHUNK, total))
          chunkStart = position
        }
        const frame = chunk.subarray(position - chunkStart, position - chunkStart + total)
        const defect = frameDefect(frame)
        if (defect) return defect
        let decoded: DecodedFrame
        try {
          decoded = decodeFrame(frame)
        } catch {
          return 'a malformed frame'
        }
        if (!this.#hooks.recover(decoded, segment, position)) return 'a frame that does not follow the frames before it'
        if (position === 0 && decoded.kind === 'state') segment.stateBytes = total
        segment.newestAppendTime = Math.max(segment.newestAppendTime, decoded.appendTime)
        position += total
        segment.size = position
      }
      return null
    } finally {
      segment.size = position
    }
  }
}

/** Every frame's payload starts with its kind (u8) and log append time (f64). */
function appendTimeOf(frame: Buffer): number {
  return frame.readDoubleLE(FRAME_HEADER_BYTES + 1)
}

/** Makes a directory's entries (a new or renamed file) durable; a no-op where directories cannot be synced. */
export async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error
  } finally {
    await handle?.close()
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
