import * as zlib from 'node:zlib'
import type { LogMessage, LogRecord } from '@twinflow/core'

/*
 * A write-ahead-log frame: [magic u32][length u32][crc32 u32 of the payload][payload of `length` bytes],
 * little-endian. The payload starts with its kind (u8) and the log append time (f64, epoch ms):
 * - produce (1): topic, checkpoint (u8 0|1 [, key, value]), then one block per partition written:
 *   [partition u32][first offset f64][count u32][bytes u32][records]. A record is [timestamp f64]
 *   [key length i32, -1 for none][key][header count u32]([name][value])*[value length u32][value].
 * - topic (2): topic, partition count u32.
 * - state (3), first in every segment: every topic with the end offset of each partition
 *   ([topic][partition count u32][end f64]*) and every checkpoint ([key][value]), as of the frame,
 *   so that deleting the segments before it loses neither topics, end offsets nor checkpoints.
 * Strings are [byte length u32][UTF-8]. Offsets of a block are dense from its first offset.
 */

export const FRAME_MAGIC = 0x314c5754 // "TWL1" read as little-endian bytes
export const FRAME_HEADER_BYTES = 12
/** A frame's payload is at most this long (a produce call above it is rejected). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024

const PRODUCE = 1
const TOPIC = 2
const STATE = 3

/** A block of consecutive records of one partition in a produce frame; `start` is its position in the frame. */
export interface FrameBlock {
  partition: number
  firstOffset: number
  count: number
  start: number
  length: number
}

export type DecodedFrame =
  | { kind: 'produce'; appendTime: number; topic: string; checkpoint: { key: string; value: string } | null; blocks: FrameBlock[] }
  | { kind: 'topic'; appendTime: number; topic: string; partitions: number }
  | { kind: 'state'; appendTime: number; topics: { topic: string; endOffsets: number[] }[]; checkpoints: [string, string][] }

/** The messages of one partition in a produce call, from `firstOffset` on. */
export interface BlockToWrite {
  partition: number
  firstOffset: number
  messages: readonly LogMessage[]
}

/** Whether this Node.js has `zlib.crc32` (20.15 and later). */
export function hasCrc32(): boolean {
  return typeof (zlib as { crc32?: unknown }).crc32 === 'function'
}

const strBytes = (s: string) => 4 + Buffer.byteLength(s, 'utf8')

class Writer {
  readonly buffer: Buffer
  pos = FRAME_HEADER_BYTES

  constructor(payloadBytes: number) {
    this.buffer = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes)
  }

  u8(n: number): void {
    this.pos = this.buffer.writeUInt8(n, this.pos)
  }
  u32(n: number): void {
    this.pos = this.buffer.writeUInt32LE(n, this.pos)
  }
  i32(n: number): void {
    this.pos = this.buffer.writeInt32LE(n, this.pos)
  }
  f64(n: number): void {
    this.pos = this.buffer.writeDoubleLE(n, this.pos)
  }
  str(s: string): void {
    const length = this.buffer.write(s, this.pos + 4, 'utf8')
    this.buffer.writeUInt32LE(length, this.pos)
    this.pos += 4 + length
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length)
    this.buffer.set(b, this.pos)
    this.pos += b.length
  }

  /** Fills in the header: magic, payload length, CRC of the payload. */
  seal(): Buffer {
    if (this.pos !== this.buffer.length) throw new Error(`wal frame: wrote ${this.pos} bytes of ${this.buffer.length}`)
    const payload = this.buffer.subarray(FRAME_HEADER_BYTES)
    this.buffer.writeUInt32LE(FRAME_MAGIC, 0)
    this.buffer.writeUInt32LE(payload.length, 4)
    this.buffer.writeUInt32LE(crc32(payload), 8)
    return this.buffer
  }
}

function crc32(data: Uint8Array): number {
  return (zlib as unknown as { crc32(data: Uint8Array): number }).crc32(data)
}

function recordBytes(m: LogMessage): number {
  let n = 8 + 4 + (typeof m.key === 'string' ? Buffer.byteLength(m.key, 'utf8') : 0) + 4 + 4 + m.value.length
  if (m.headers) for (const name of Object.keys(m.headers)) n += strBytes(name) + strBytes(m.headers[name]!)
  return n
}

/** The payload size of a produce frame, to check it before offsets are given out. */
export function producePayloadBytes(topic: string, blocks: readonly { messages: readonly LogMessage[] }[], checkpoint: { key: string; value: string } | undefined): number {
  let n = 1 + 8 + strBytes(topic) + 1 + (checkpoint ? strBytes(checkpoint.key) + strBytes(checkpoint.value) : 0) + 4
  for (const block of blocks) {
    n += 4 + 8 + 4 + 4
    for (const m of block.messages) n += recordBytes(m)
  }
  return n
}

/** A produce frame, with where each block lies in it. */
export function encodeProduceFrame(
  appendTime: number,
  topic: string,
  blocks: readonly BlockToWrite[],
  checkpoint: { key: string; value: string } | undefined,
): { frame: Buffer; blocks: FrameBlock[] } {
  const w = new Writer(producePayloadBytes(topic, blocks, checkpoint))
  w.u8(PRODUCE)
  w.f64(appendTime)
  w.str(topic)
  w.u8(checkpoint ? 1 : 0)
  if (checkpoint) {
    w.str(checkpoint.key)
    w.str(checkpoint.value)
  }
  w.u32(blocks.length)
  const placed: FrameBlock[] = []
  for (const block of blocks) {
    w.u32(block.partition)
    w.f64(block.firstOffset)
    w.u32(block.messages.length)
    const lengthAt = w.pos
    w.u32(0)
    const start = w.pos
    for (const m of block.messages) {
      w.f64(m.timestamp ?? appendTime)
      if (typeof m.key === 'string') {
        const length = w.buffer.write(m.key, w.pos + 4, 'utf8')
        w.i32(length)
        w.pos += length
      } else {
        w.i32(-1)
      }
      const names = m.headers ? Object.keys(m.headers) : []
      w.u32(names.length)
      for (const name of names) {
        w.str(name)
        w.str(m.headers![name]!)
      }
      w.bytes(m.value)
    }
    w.buffer.writeUInt32LE(w.pos - start, lengthAt)
    placed.push({ partition: block.partition, firstOffset: block.firstOffset, count: block.messages.length, start, length: w.pos - start })
  }
  return { frame: w.seal(), blocks: placed }
}

export function encodeTopicFrame(appendTime: number, topic: string, partitions: number): Buffer {
  const w = new Writer(1 + 8 + strBytes(topic) + 4)
  w.u8(TOPIC)
  w.f64(appendTime)
  w.str(topic)
  w.u32(partitions)
  return w.seal()
}

export function encodeStateFrame(appendTime: number, topics: readonly { topic: string; endOffsets: readonly number[] }[], checkpoints: ReadonlyMap<string, string>): Buffer {
  let n = 1 + 8 + 4 + 4
  for (const t of topics) n += strBytes(t.topic) + 4 + 8 * t.endOffsets.length
  for (const [key, value] of checkpoints) n += strBytes(key) + strBytes(value)
  const w = new Writer(n)
  w.u8(STATE)
  w.f64(appendTime)
  w.u32(topics.length)
  for (const t of topics) {
    w.str(t.topic)
    w.u32(t.endOffsets.length)
    for (const end of t.endOffsets) w.f64(end)
  }
  w.u32(checkpoints.size)
  for (const [key, value] of checkpoints) {
    w.str(key)
    w.str(value)
  }
  return w.seal()
}

/** Why a frame at the start of `bytes` cannot be read, or null when its header and CRC are sound (`bytes` holds the whole frame). */
export function frameDefect(bytes: Buffer): string | null {
  if (bytes.length < FRAME_HEADER_BYTES) return 'a frame header cut short'
  if (bytes.readUInt32LE(0) !== FRAME_MAGIC) return 'no frame magic'
  const length = bytes.readUInt32LE(4)
  if (bytes.length < FRAME_HEADER_BYTES + length) return 'a frame cut short'
  if (crc32(bytes.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + length)) !== bytes.readUInt32LE(8)) return 'a frame whose checksum does not match'
  return null
}

class Reader {
  pos: number
  readonly #end: number

  constructor(
    readonly buffer: Buffer,
    start: number,
    end: number,
  ) {
    this.pos = start
    this.#end = end
  }

  #need(n: number): number {
    const at = this.pos
    if (n < 0 || at + n > this.#end) throw new RangeError('wal frame: read past the end of the payload')
    this.pos += n
    return at
  }
  u8(): number {
    return this.buffer.readUInt8(this.#need(1))
  }
  u32(): number {
    return this.buffer.readUInt32LE(this.#need(4))
  }
  i32(): number {
    return this.buffer.readInt32LE(this.#need(4))
  }
  f64(): number {
    return this.buffer.readDoubleLE(this.#need(8))
  }
  str(): string {
    const length = this.u32()
    const at = this.#need(length)
    return this.buffer.toString('utf8', at, at + length)
  }
  skip(n: number): void {
    this.#need(n)
  }
  get done(): boolean {
    return this.pos === this.#end
  }
}

/** Decodes a sound frame (see frameDefect) without its records; throws a RangeError when the payload is malformed. */
export function decodeFrame(frame: Buffer): DecodedFrame {
  const r = new Reader(frame, FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + frame.readUInt32LE(4))
  const kind = r.u8()
  const appendTime = r.f64()
  let decoded: DecodedFrame
  if (kind === PRODUCE) {
    const topic = r.str()
    const checkpoint = r.u8() === 1 ? { key: r.str(), value: r.str() } : null
    const blocks: FrameBlock[] = []
    for (let i = r.u32(); i > 0; i--) {
      const partition = r.u32()
      const firstOffset = r.f64()
      const count = r.u32()
      const length = r.u32()
      blocks.push({ partition, firstOffset, count, start: r.pos, length })
      r.skip(length)
    }
    decoded = { kind: 'produce', appendTime, topic, checkpoint, blocks }
  } else if (kind === TOPIC) {
    decoded = { kind: 'topic', appendTime, topic: r.str(), partitions: r.u32() }
  } else if (kind === STATE) {
    const topics: { topic: string; endOffsets: number[] }[] = []
    for (let i = r.u32(); i > 0; i--) {
      const topic = r.str()
      const endOffsets: number[] = []
      for (let p = r.u32(); p > 0; p--) endOffsets.push(r.f64())
      topics.push({ topic, endOffsets })
    }
    const checkpoints: [string, string][] = []
    for (let i = r.u32(); i > 0; i--) checkpoints.push([r.str(), r.str()])
    decoded = { kind: 'state', appendTime, topics, checkpoints }
  } else {
    throw new RangeError(`wal frame: unknown kind ${kind}`)
  }
  if (!r.done) throw new RangeError('wal frame: bytes after the payload')
  return decoded
}

/** The records `skip` .. `skip + take - 1` of a block (the bytes of FrameBlock), each with bytes of its own. */
export function decodeRecords(block: Buffer, firstOffset: number, skip: number, take: number): LogRecord[] {
  const r = new Reader(block, 0, block.length)
  const out: LogRecord[] = []
  for (let i = 0; i < skip + take; i++) {
    const timestamp = r.f64()
    const keyLength = r.i32()
    if (i < skip) {
      r.skip(Math.max(keyLength, 0))
      for (let h = r.u32() * 2; h > 0; h--) r.skip(r.u32())
      r.skip(r.u32())
      continue
    }
    let key: string | null = null
    if (keyLength >= 0) {
      const at = r.pos
      r.skip(keyLength)
      key = block.toString('utf8', at, at + keyLength)
    }
    const headers: Record<string, string> = {}
    for (let h = r.u32(); h > 0; h--) {
      const name = r.str()
      // defineProperty: a header named "__proto__" is a header, not the object's prototype.
      Object.defineProperty(headers, name, { value: r.str(), enumerable: true, writable: true, configurable: true })
    }
    const valueLength = r.u32()
    const at = r.pos
    r.skip(valueLength)
    out.push({ offset: firstOffset + i, key, value: Buffer.from(block.subarray(at, at + valueLength)), timestamp, headers })
  }
  return out
}
