import {
  finalizeRow,
  mergeRows,
  TwinflowError,
  type BatchEngine,
  type PartialRow,
  type Pipeline,
  type Publication,
  type RealtimeStore,
  type ViewDef,
} from '@twinflow/core'
import { checkGranularity } from './granularity'
import type { ViewAnswer, ViewQuery } from './view-query'

export interface ViewReaderOptions {
  /** Widest time range one query may ask for, in ms. @default 366 days */
  maxRangeMs?: number
  /** Attempts when a batch publish races with the read. @default 5 */
  maxAttempts?: number
}

/**
 * Answers view queries by merging the published batch version (windows < cutoff) with the
 * realtime store (windows >= cutoff), then re-bucketing to the granularity with the measures'
 * monoids. A read that raced with a publish (the cutoff moved while reading) is retried, so an
 * answer never has a gap or a double count at the boundary.
 */
export class ViewReader {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly batch: BatchEngine,
    private readonly realtime: RealtimeStore,
    private readonly options: ViewReaderOptions = {},
  ) {}

  async read(query: ViewQuery): Promise<ViewAnswer> {
    const view = this.pipeline.view(query.view)
    const granularity = query.granularity ?? view.window
    const granularityMs = checkGranularity(view, granularity)
    this.checkRange(query)
    const keyFilter = this.compileKeyFilter(view, query.keyFilter ?? {})
    const maxAttempts = this.options.maxAttempts ?? 5
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const before = await this.batch.currentPublication(view.name)
      const parts = await this.readParts(view, before, query.from, query.to)
      const after = await this.batch.currentPublication(view.name)
      if (after?.version !== before?.version) continue
      const rows = mergeRows(view, parts.filter(keyFilter), granularityMs)
        .sort(compareRows)
        .map((r) => finalizeRow(view, r))
      return { rows, cutoff: before?.cutoff ?? null, version: before?.version ?? null, granularity }
    }
    throw new TwinflowError('unavailable', `view "${view.name}" was republished during ${maxAttempts} reads in a row; retry`)
  }

  private async readParts(view: ViewDef, publication: Publication | null, from: number, to: number): Promise<PartialRow[]> {
    const cutoff = publication?.cutoff ?? -Infinity
    const [batchRows, realtimeRows] = await Promise.all([
      publication && from < cutoff ? this.batch.readWindows(view.name, publication.version, from, Math.min(to, cutoff)) : [],
      to > cutoff ? this.realtime.readWindows(view.name, Math.max(from, cutoff), to) : [],
    ])
    return [...batchRows, ...realtimeRows]
  }

  private checkRange(query: ViewQuery): void {
    if (!Number.isFinite(query.from) || !Number.isFinite(query.to)) throw new TwinflowError('validation', 'from and to must be valid times')
    if (query.from >= query.to) {
      throw new TwinflowError('validation', `the time range is empty or reversed: from ${new Date(query.from).toISOString()} is not before to ${new Date(query.to).toISOString()}`)
    }
    const max = this.options.maxRangeMs ?? 366 * 86_400_000
    if (query.to - query.from > max) throw new TwinflowError('validation', `the time range is wider than the limit of ${max / 86_400_000} days`)
  }

  private compileKeyFilter(view: ViewDef, filter: NonNullable<ViewQuery['keyFilter']>): (row: PartialRow) => boolean {
    const checks: { index: number; values: Set<unknown> }[] = []
    for (const [name, values] of Object.entries(filter)) {
      const index = view.keys.findIndex((k) => k.name === name)
      if (index < 0) {
        throw new TwinflowError('validation', `view "${view.name}" has no key "${name}"; keys: ${view.keys.map((k) => k.name).join(', ') || 'none'}`)
      }
      checks.push({ index, values: new Set(values) })
    }
    return (row) => checks.every((c) => c.values.has(row.keys[c.index]))
  }
}

function compareRows(a: PartialRow, b: PartialRow): number {
  if (a.windowStart !== b.windowStart) return a.windowStart - b.windowStart
  for (let i = 0; i < a.keys.length; i++) {
    const x = a.keys[i]!
    const y = b.keys[i]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}
