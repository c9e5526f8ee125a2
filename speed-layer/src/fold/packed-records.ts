import type { LogRecord } from '@twinflow/core'
import type { FoldRecords } from './stream-fold.ts'

/** Records copied into one transferable buffer: payload `i` is `bytes[ends[i-1] .. ends[i])`. */
export interface PackedRecordsData {
  bytes: ArrayBuffer
  ends: Uint32Array<ArrayBuffer>
  offsets: Float64Array<ArrayBuffer>
  timestamps: Float64Array<ArrayBuffer>
}

/** Copies the records' payloads, offsets and log times into `PackedRecordsData` (what a fold thread gets). */
export function packRecords(records: readonly LogRecord[]): PackedRecordsData {
  let total = 0
  for (const record of records) total += record.value.length
  const bytes = new ArrayBuffer(total)
  const target = Buffer.from(bytes)
  const ends = new Uint32Array(records.length)
  const offsets = new Float64Array(records.length)
  const timestamps = new Float64Array(records.length)
  let at = 0
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!
    at += record.value.copy(target, at)
    ends[i] = at
    offsets[i] = record.offset
    timestamps[i] = record.timestamp
  }
  return { bytes, ends, offsets, timestamps }
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

  payload(index: number): Buffer {
    const { bytes, ends } = this.#data
    const start = index === 0 ? 0 : ends[index - 1]!
    return Buffer.from(bytes, start, ends[index]! - start)
  }
}
