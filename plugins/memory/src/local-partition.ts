import type { LogRecord } from '@twinflow/core'
import { FrameIndex } from './frame-index.ts'
import type { LogPartition } from './log-partition.ts'
import { OffsetWaiters } from './offset-waiters.ts'
import type { BlockRef } from './wal.ts'
import { decodeRecords } from './wal-frame.ts'

/** How a partition reads its blocks (the write-ahead log). */
export interface BlockReader {
  readBlocks(refs: readonly BlockRef[]): Promise<Buffer[]>
}

/**
 * One partition of the local log: where its records lie in the write-ahead log (a FrameIndex, not
 * the records), its end offset (records written; readers see nothing past it) and the next offset
 * to give out (`assignedEnd`: ahead of the end while produce calls wait for their write).
 */
export class LocalPartition implements LogPartition {
  readonly topic: string
  readonly partition: number
  /** The next offset a produce call gets. */
  assignedEnd: number
  readonly #index = new FrameIndex()
  readonly #reader: BlockReader
  readonly #waiters = new OffsetWaiters()
  #end: number

  /** `endOffset`: where it starts (the end it had when its older records were dropped). */
  constructor(topic: string, partition: number, reader: BlockReader, endOffset = 0) {
    this.topic = topic
    this.partition = partition
    this.#reader = reader
    this.#end = this.assignedEnd = endOffset
  }

  get startOffset(): number {
    return this.#index.length > 0 ? this.#index.firstOffset(0) : this.#end
  }

  get endOffset(): number {
    return this.#end
  }

  /** Adds a block written at the end (its first offset is the end offset), and wakes the readers waiting for it. */
  append(firstOffset: number, count: number, segment: number, position: number, length: number): void {
    if (firstOffset !== this.#end) throw new Error(`${this.topic}[${this.partition}]: a block at ${firstOffset} does not follow the end ${this.#end}`)
    this.#index.push(firstOffset, count, segment, position, length)
    this.#end += count
    if (this.assignedEnd < this.#end) this.assignedEnd = this.#end
    this.#waiters.wake(this.#end)
  }

  /** Forgets the blocks in segments numbered <= `segment` (deleted): the start offset moves up. */
  dropThroughSegment(segment: number): void {
    this.#index.dropThroughSegment(segment)
  }

  /** Gives up the offsets given out but not written (their write failed). */
  rewind(): void {
    this.assignedEnd = this.#end
  }

  read(from: number, max: number): Promise<LogRecord[]> {
    const start = Math.max(from, this.startOffset)
    if (start >= this.#end || max < 1) return Promise.resolve([])
    // Which blocks, decided now: retention may drop them from the index once this awaits.
    const refs: (BlockRef & { firstOffset: number; skip: number; take: number })[] = []
    let next = start
    let left = max
    for (let i = this.#index.find(start); i < this.#index.length && left > 0; i++) {
      const firstOffset = this.#index.firstOffset(i)
      const skip = next - firstOffset
      const take = Math.min(this.#index.count(i) - skip, left)
      refs.push({ segment: this.#index.segment(i), position: this.#index.position(i), length: this.#index.byteLength(i), firstOffset, skip, take })
      next += take
      left -= take
    }
    return this.#reader.readBlocks(refs).then((blocks) => blocks.flatMap((block, i) => decodeRecords(block, refs[i]!.firstOffset, refs[i]!.skip, refs[i]!.take)))
  }

  waitFor(offset: number, signal: AbortSignal): Promise<void> {
    return this.#waiters.waitFor(offset, this.#end, signal)
  }
}
