import { LRUCache } from 'lru-cache'
import {
  indexMerged,
  mergeRows,
  parseOptions,
  type BatchEngine,
  type MergedRows,
  type BucketOf,
  type PartialRow,
  type Scalar,
  type ViewDef,
  type WindowSelection,
} from '@twinflow/core'
import { batchPartCacheOptionsSchema, type BatchPartCacheOptions } from './batch-part-cache-options.ts'
import type { KeySelection } from './key-selection.ts'

export interface BatchPartCacheStats {
  /** Chunk lookups answered from memory (or from a read already under way). */
  hits: number
  /** Chunk lookups that needed a read. */
  misses: number
  /** Reads sent to the batch engine. */
  reads: number
  /** Partial rows held now. */
  rows: number
}

export type TimeRange = readonly [from: number, to: number]

/** Buckets an answer will be merged into; `key` names them (e.g. the granularity). */
export interface Bucketing {
  key: string
  of: BucketOf
}

/** Windows from <= windowStart < to, to be merged into `bucket` (if given) by the caller; only the groups of `keys` if given. */
export interface ChunkedRange {
  from: number
  to: number
  bucket?: Bucketing
  keys?: KeySelection
}

/** The batch rows of one range: merged into its buckets (and indexed) when the range named them, otherwise as stored. */
export type BatchPart = { merged: MergedRows; rows?: undefined } | { merged?: undefined; rows: PartialRow[] }

/**
 * Rows of published batch versions, which never change once built: a version is read once per
 * chunk of windows and then served from memory (least recently used chunks go first). Lookups of
 * one call that miss are read from the engine in ONE `readWindows` over their span, and a chunk
 * already being read by another request is awaited, not read again.
 *
 * A chunk that lies wholly inside a range that will be merged into buckets is returned already
 * merged into them (and kept so), so that a month of hourly windows read daily costs its days, not
 * its hours: merging again is a no-op for rows that are already bucketed.
 *
 * A range narrowed to some groups (`keys`) takes their rows of each chunk from an index of the
 * chunk by that key, built on first use and dropped with the chunk: a filter on 3 shops of 200
 * costs their rows, not a scan of every shop's.
 *
 * A range with buckets is answered merged and indexed (`MergedRows`), and that answer is kept too
 * (same version, range, buckets and groups: a dashboard asks the same range again and again), so
 * a repeated read costs a lookup, and merging the realtime rows into it costs those rows only.
 * `rows` reads a range chunk by chunk without keeping its answer (a page's walk through a long
 * range), and `count` keeps the row counts of selections (`BatchEngine.countRows`).
 */
export class BatchPartCache {
  readonly #chunks: LRUCache<string, readonly PartialRow[]>
  /** Merged answers of ranges, apart from the chunks: ranges that slide (a `from` of now minus a day) must not evict them. */
  readonly #ranges: LRUCache<string, MergedRows>
  readonly #loading = new Map<string, Promise<readonly PartialRow[]>>()
  /** Row counts of selections of versions, and the counts under way. */
  readonly #counts = new LRUCache<string, number | Promise<number>>({ max: 1024 })
  /** Per cached chunk (merged or not) and key position: its rows by key value. */
  readonly #byKey = new WeakMap<readonly PartialRow[], Map<number, Map<Scalar, PartialRow[]>>>()
  readonly #chunkWindows: number
  #hits = 0
  #misses = 0
  #reads = 0

  constructor(options: BatchPartCacheOptions = {}) {
    const { maxRows, chunkWindows } = parseOptions(batchPartCacheOptionsSchema, options, 'serving.cache')
    this.#chunkWindows = chunkWindows
    this.#chunks = new LRUCache({ maxSize: Math.max(1, maxRows), sizeCalculation: (rows) => rows.length + 1 })
    this.#ranges = new LRUCache({ maxSize: Math.max(1, Math.floor(maxRows / 4)), sizeCalculation: (merged) => merged.rows.length + 1 })
  }

  /** The length of a chunk of the view's windows (chunks start at multiples of it). */
  #chunkMs(view: ViewDef): number {
    return view.windowMs * this.#chunkWindows
  }

  stats(): BatchPartCacheStats {
    return { hits: this.#hits, misses: this.#misses, reads: this.#reads, rows: this.#chunks.calculatedSize + this.#ranges.calculatedSize }
  }

  /**
   * The rows of `version` with from <= windowStart < to, for each range; with a bucket, the chunks
   * inside the range come merged into it (their rows' windowStart is then their bucket's start).
   */
  async read(engine: BatchEngine, view: ViewDef, version: number, ranges: readonly ChunkedRange[]): Promise<BatchPart[]> {
    const answered = ranges.map((range) => (range.bucket ? this.#ranges.get(rangeKey(view.name, version, range)) : undefined))
    for (const kept of answered) if (kept) this.#hits++
    const loaded = await this.#chunksOf(
      engine,
      view,
      version,
      ranges.filter((_, i) => !answered[i]),
    )
    return ranges.map((range, i): BatchPart => {
      const kept = answered[i]
      if (kept) return { merged: kept }
      const out = this.#gather(view, version, range, loaded)
      if (!range.bucket) return { rows: out }
      const merged = indexMerged(view, out, range.bucket.of)
      this.#ranges.set(rangeKey(view.name, version, range), merged)
      return { merged }
    })
  }

  /**
   * The rows of `version` with from <= windowStart < to, as `read` gathers them (the chunks inside
   * the range merged into its buckets, the others as stored; only its groups), not merged across
   * chunks and not kept as a range's answer: a page that walks a long range chunk by chunk.
   */
  async rows(engine: BatchEngine, view: ViewDef, version: number, range: ChunkedRange): Promise<PartialRow[]> {
    return this.#gather(view, version, range, await this.#chunksOf(engine, view, version, [range]))
  }

  /** `BatchEngine.countRows` of a selection, kept: versions never change. */
  async count(engine: BatchEngine, view: ViewDef, version: number, selection: WindowSelection): Promise<number> {
    const key = JSON.stringify([
      view.name,
      version,
      selection.from,
      selection.to,
      selection.bucket ?? null,
      Object.entries(selection.keys ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
    ])
    const kept = this.#counts.get(key)
    if (kept !== undefined) return kept
    const counting = engine.countRows(view.name, version, selection)
    this.#counts.set(key, counting)
    try {
      const n = await counting
      this.#counts.set(key, n)
      return n
    } catch (error) {
      this.#counts.delete(key)
      throw error
    }
  }

  /** Every chunk the ranges touch: from memory, from a read under way, or read now (the missing ones in ONE read). */
  async #chunksOf(engine: BatchEngine, view: ViewDef, version: number, ranges: readonly ChunkedRange[]): Promise<Map<number, readonly PartialRow[]>> {
    const chunkMs = this.#chunkMs(view)
    const starts = new Set<number>()
    for (const { from, to } of ranges) {
      for (let start = from - (from % chunkMs); start < to; start += chunkMs) starts.add(start)
    }
    const chunks = new Map<number, readonly PartialRow[] | Promise<readonly PartialRow[]>>()
    const missing: number[] = []
    for (const start of starts) {
      const key = chunkKey(view.name, version, start)
      const found = this.#chunks.get(key) ?? this.#loading.get(key)
      if (found) {
        this.#hits++
        chunks.set(start, found)
      } else {
        missing.push(start)
      }
    }
    if (missing.length > 0) this.#load(engine, view, version, chunkMs, missing, chunks)
    const loaded = new Map<number, readonly PartialRow[]>()
    await Promise.all([...chunks].map(async ([start, rows]) => loaded.set(start, await rows)))
    return loaded
  }

  /** The rows of one range from its loaded chunks: a chunk wholly inside it merged into its buckets (if any), only its groups. */
  #gather(view: ViewDef, version: number, range: ChunkedRange, loaded: ReadonlyMap<number, readonly PartialRow[]>): PartialRow[] {
    const chunkMs = this.#chunkMs(view)
    const { from, to, bucket, keys } = range
    const out: PartialRow[] = []
    for (let start = from - (from % chunkMs); start < to; start += chunkMs) {
      const whole = start >= from && start + chunkMs <= to
      const chunk = bucket && whole ? this.#merged(view, version, start, loaded.get(start)!, bucket) : loaded.get(start)!
      for (const rows of keys ? this.#withKeys(chunk, keys) : [chunk]) {
        if (whole) for (const row of rows) out.push(row)
        // Rows are in window order: the part of a chunk costs its rows, not the chunk's.
        else for (let i = firstAtOrAfter(rows, from), end = firstAtOrAfter(rows, to); i < end; i++) out.push(rows[i]!)
      }
    }
    return out
  }

  /** The rows of `chunk` with each of the selected key values, one list per value. */
  #withKeys(chunk: readonly PartialRow[], keys: KeySelection): PartialRow[][] {
    let byPosition = this.#byKey.get(chunk)
    if (!byPosition) this.#byKey.set(chunk, (byPosition = new Map()))
    let byValue = byPosition.get(keys.index)
    if (!byValue) {
      byPosition.set(keys.index, (byValue = new Map()))
      for (const row of chunk) {
        const value = row.keys[keys.index]!
        const rows = byValue.get(value)
        if (rows) rows.push(row)
        else byValue.set(value, [row])
      }
    }
    const lists: PartialRow[][] = []
    for (const value of keys.values) {
      const rows = byValue.get(value)
      if (rows) lists.push(rows)
    }
    return lists
  }

  #merged(view: ViewDef, version: number, start: number, rows: readonly PartialRow[], bucket: Bucketing): readonly PartialRow[] {
    const key = `${chunkKey(view.name, version, start)}\u0000${bucket.key}`
    let merged = this.#chunks.get(key)
    if (!merged) {
      merged = mergeRows(view, rows, bucket.of)
      this.#chunks.set(key, merged)
    }
    return merged
  }

  #load(engine: BatchEngine, view: ViewDef, version: number, chunkMs: number, missing: number[], into: Map<number, unknown>): void {
    this.#misses += missing.length
    this.#reads++
    const from = Math.min(...missing)
    const to = Math.max(...missing) + chunkMs
    const split = engine.readWindows(view.name, version, from, to).then((rows) => {
      const byChunk = new Map<number, PartialRow[]>(missing.map((start) => [start, []]))
      for (const row of rows) byChunk.get(row.windowStart - (row.windowStart % chunkMs))?.push(row)
      // A chunk's rows are kept in window order (the engine sends them so; a chunk is sorted if not).
      for (const chunk of byChunk.values()) if (!inWindowOrder(chunk)) chunk.sort((a, b) => a.windowStart - b.windowStart)
      return byChunk
    })
    for (const start of missing) {
      const key = chunkKey(view.name, version, start)
      const rows = split.then((byChunk) => byChunk.get(start)!)
      this.#loading.set(key, rows)
      rows.then(
        (value) => {
          this.#chunks.set(key, value)
          this.#loading.delete(key)
        },
        () => this.#loading.delete(key),
      )
      into.set(start, rows)
    }
  }
}

function inWindowOrder(rows: readonly PartialRow[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]!.windowStart < rows[i - 1]!.windowStart) return false
  return true
}

/** The index of the first row with windowStart >= time, in rows in window order. */
function firstAtOrAfter(rows: readonly PartialRow[], time: number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rows[mid]!.windowStart < time) lo = mid + 1
    else hi = mid
  }
  return lo
}

function chunkKey(view: string, version: number, start: number): string {
  return `${view}\u0000${version}\u0000${start}`
}

function rangeKey(view: string, version: number, { from, to, bucket, keys }: ChunkedRange): string {
  return `${view}\u0000${version}\u0000${from}\u0000${to}\u0000${bucket?.key}\u0000${keys?.id ?? ''}`
}
