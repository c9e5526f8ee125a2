import { isMasked, type LogRecord } from '@twinflow/core'
import type { FoldRecords } from './stream-fold.ts'

/** Records copied into one transferable buffer: payload `i` is `bytes[ends[i-1] .. ends[i])`. */
export interface PackedRecordsData {
  bytes: ArrayBuffer
  ends: Uint32Array<ArrayBuffer>
  offsets: Float64Array<ArrayBuffer>
  timestamps: Float64Array<ArrayBuffer>
  /** 1 where a Twinflow producer masked the record; all 0 unless packed `withMasks`. */
  masked: Uint8Array<ArrayBuffer>
}

/** Copies the records' payloads, offsets and log times into `PackedRecordsData` (what a fold thread gets); their masked flags `withMasks` (reading the headers). */
export function packRecords(records: readonly LogRecord[], withMasks = false): PackedRecordsData {
  let total = 0
  for (const record of records) total += record.value.length
  const bytes = new ArrayBuffer(total)
  const target = Buffer.from(bytes)
  const ends = new Uint32Array(records.length)
  const offsets = new Float64Array(records.length)
  const timestamps = new Float64Array(records.length)
  const masked = new Uint8Array(records.length)
  let at = 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    at += record.value.copy(target, at)
    ends[i] = at
    offsets[i] = record.offset
    timestamps[i] = record.timestamp
    if (withMasks && isMasked(record.headers)) masked[i] = 1
  }
  return { bytes, ends, offsets, timestamps, masked }
}

/** `PackedRecordsData` read as `FoldRecords` (each payload is a view of the buffer, not a copy). */
export class PackedRecords implements FoldRecords {
  readonly #data: PackedRecordsData

  constructor(data: PackedRecordsData) {
    this.#data = data
  }

  get length(): number {
    return this.#data.ends.length
  }

  offset(index: number): number {
    return this.#data.offsets[index]!
  }

  timestamp(index: number): number {
    return this.#data.timestamps[index]!
  }

  masked(index: number): boolean {
    return this.#data.masked[index] === 1
  }

  payload(index: number): Buffer {
    const { bytes, ends } = this.#data
    const start = index === 0 ? 0 : ends[index - 1]!
    return Buffer.from(bytes, start, ends[index]! - start)
  }
}
