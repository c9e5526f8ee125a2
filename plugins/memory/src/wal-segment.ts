import { open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * One segment file of the write-ahead log, `<20-digit number>.wal`, and what the log knows of it:
 * its size (the bytes of whole frames), the newest append time and the last offset of every
 * partition it holds records of (for retention). Its file handle is opened on first use, shared by
 * the writer and readers (positioned reads and writes), and closed when idle or removed. A removed
 * segment's file is deleted once no read uses it any more.
 */
export class WalSegment {
  readonly number: number
  readonly path: string
  /** Bytes of whole frames: where the next frame goes. */
  size = 0
  /** Bytes of the state frame it starts with (a segment holding nothing more is not rolled). */
  stateBytes = 0
  /** The newest log append time of its frames, epoch ms. */
  newestAppendTime = Number.NEGATIVE_INFINITY
  /** The last offset it holds of each partition (by topicPartitionKey). */
  readonly lastOffsets = new Map<string, number>()
  #handle: Promise<FileHandle> | null = null
  #users = 0
  #removed = false
  #onDeleteError: (error: unknown) => void = () => {}

  constructor(dir: string, number: number) {
    this.number = number
    this.path = join(dir, WalSegment.fileName(number))
  }

  static fileName(number: number): string {
    return `${String(number).padStart(20, '0')}.wal`
  }

  /** The segment number of a file name, or null when it is not a segment's. */
  static numberOf(fileName: string): number | null {
    return /^\d{20}\.wal$/.test(fileName) ? Number(fileName.slice(0, 20)) : null
  }

  /** Creates the file, which must not exist. */
  async create(): Promise<void> {
    await this.#opened(open(this.path, 'wx+'))
  }

  get open(): boolean {
    return this.#handle !== null
  }

  get idle(): boolean {
    return this.#users === 0
  }

  /** Marks a use of the file (a read); `release` ends it. */
  acquire(): void {
    this.#users++
  }

  release(): void {
    this.#users--
    if (this.#removed && this.#users === 0) void this.#delete()
  }

  async read(position: number, length: number): Promise<Buffer> {
    const handle = await this.#file()
    const buffer = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, position + done)
      if (bytesRead === 0) throw new Error(`${this.path}: ${length - done} bytes missing at ${position + done} (the file is shorter than the log expects)`)
      done += bytesRead
    }
    return buffer
  }

  /** Reads up to `length` bytes at `position` (fewer at the end of the file). */
  async readUpTo(position: number, length: number): Promise<Buffer> {
    const handle = await this.#file()
    const buffer = Buffer.allocUnsafe(length)
    let done = 0
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return buffer.subarray(0, done)
  }

  async write(bytes: Buffer, position: number): Promise<void> {
    const handle = await this.#file()
    let done = 0
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done)
      done += bytesWritten
    }
  }

  async datasync(): Promise<void> {
    await (await this.#file()).datasync()
  }

  async truncate(size: number): Promise<void> {
    await (await this.#file()).truncate(size)
  }

  async fileSize(): Promise<number> {
    return (await (await this.#file()).stat()).size
  }

  /** Closes the file handle (reopened on next use). */
  async close(): Promise<void> {
    const handle = this.#handle
    this.#handle = null
    if (handle) await (await handle).close()
  }

  /** Drops the segment from the log: its file is deleted now (resolves once it is), or when the last read using it ends (resolves at once). */
  remove(onDeleteError: (error: unknown) => void): Promise<void> {
    this.#removed = true
    this.#onDeleteError = onDeleteError
    return this.#users === 0 ? this.#delete() : Promise.resolve()
  }

  async #delete(): Promise<void> {
    try {
      await this.close()
      await unlink(this.path)
    } catch (error) {
      this.#onDeleteError(error)
    }
  }

  #file(): Promise<FileHandle> {
    return this.#handle ?? this.#opened(open(this.path, 'r+'))
  }

  /** Keeps the handle being opened; forgets it if the open fails, so that the next use tries again. */
  #opened(handle: Promise<FileHandle>): Promise<FileHandle> {
    this.#handle = handle
    handle.catch(() => {
      if (this.#handle === handle) this.#handle = null
    })
    return handle
  }
}
