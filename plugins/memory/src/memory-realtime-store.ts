import { randomUUID } from 'node:crypto'
import {
  groupId,
  mergeCells,
  TwinflowError,
  validateFencedBatch,
  type DeltaOutcome,
  type FencedBatch,
  type MarkedWindows,
  type PartialRow,
  type Pipeline,
  type RealtimeStore,
} from '@twinflow/core'
import { topicPartitionKey } from './topic-partition.ts'

interface StoredGroup {
  windowStart: number
  keys: PartialRow['keys']
  cells: PartialRow['cells']
  /** Per (topic, partition): the last offset whose events this group contains. */
  fences: Map<string, number>
}

/**
 * The embedded realtime store: the same semantics as the Redis store (the conformance suite in
 * `@twinflow/testing` holds both to them), in process memory. Every `apply` runs
 * synchronously after validation, so each delta and its fence change together (and the whole
 * batch is atomic, which the contract does not require). State survives `stop()`/`start()` of the
 * same instance, not the process.
 */
export class MemoryRealtimeStore implements RealtimeStore {
  #pipeline: Pipeline | null = null
  readonly #views = new Map<string, Map<string, StoredGroup>>()
  readonly #progress = new Map<string, Map<number, number>>()
  readonly #newest = new Map<string, number>()
  readonly #marks = new Map<string, number>()
  /** Versions of each view's windows: this instance's id and a count of the changes. */
  readonly #instance = randomUUID()
  readonly #changes = new Map<string, number>()

  async start(pipeline: Pipeline): Promise<void> {
    this.#pipeline = pipeline
  }

  async stop(): Promise<void> {
    this.#pipeline = null
  }

  async apply(batch: FencedBatch): Promise<DeltaOutcome[]> {
    const pipeline = this.#started()
    const views = validateFencedBatch(pipeline, batch)
    const fenceKey = topicPartitionKey(batch.topic, batch.partition)
    return batch.deltas.map((delta, i): DeltaOutcome => {
      const view = views[i]!
      const groups = this.#groupsOf(view.name)
      const id = groupId(delta.windowStart, delta.keys)
      const group = groups.get(id)
      const fence = group?.fences.get(fenceKey) ?? -1
      if (batch.lastOffset <= fence) return { status: 'duplicate' }
      if (batch.firstOffset <= fence) return { status: 'overlap', fence }
      if (group) {
        mergeCells(view, group.cells, delta.cells)
        group.fences.set(fenceKey, batch.lastOffset)
      } else {
        groups.set(id, { windowStart: delta.windowStart, keys: [...delta.keys], cells: [...delta.cells], fences: new Map([[fenceKey, batch.lastOffset]]) })
      }
      const time = batch.newestEventTime?.[view.name] ?? delta.windowStart
      this.#newest.set(view.name, Math.max(this.#newest.get(view.name) ?? -Infinity, time))
      this.#changed(view.name)
      return { status: 'applied' }
    })
  }

  async readWindows(view: string, from: number, to: number): Promise<PartialRow[]> {
    return this.#rows(view, from, to)
  }

  async readMarkedWindows(view: string, from: number, to: number, since?: string | null): Promise<MarkedWindows> {
    // In one synchronous step: nothing can apply, mark or drop between the parts.
    this.#started().view(view)
    const version = `${this.#instance}:${this.#changes.get(view) ?? 0}`
    const markedCutoff = this.#marks.get(view) ?? null
    if (since === version) return { rows: [], markedCutoff, version, unchanged: true }
    return { rows: this.#rows(view, from, to), markedCutoff, version, unchanged: false }
  }

  #changed(view: string): void {
    this.#changes.set(view, (this.#changes.get(view) ?? 0) + 1)
  }

  #rows(view: string, from: number, to: number): PartialRow[] {
    this.#started().view(view)
    const rows: PartialRow[] = []
    for (const g of this.#groupsOf(view).values()) {
      if (g.windowStart >= from && g.windowStart < to) rows.push({ windowStart: g.windowStart, keys: [...g.keys], cells: [...g.cells] })
    }
    return rows.sort((a, b) => a.windowStart - b.windowStart || compareKeys(a.keys, b.keys))
  }

  async dropBefore(view: string, cutoff: number): Promise<number> {
    this.#started().view(view)
    this.#mark(view, cutoff)
    const groups = this.#groupsOf(view)
    let dropped = 0
    for (const [id, g] of groups) {
      if (g.windowStart < cutoff) {
        groups.delete(id)
        dropped++
      }
    }
    if (dropped > 0) this.#changed(view)
    return dropped
  }

  async progress(consumer: string, topic: string): Promise<Map<number, number>> {
    this.#started()
    return new Map(this.#progress.get(progressKey(consumer, topic)))
  }

  async recordProgress(consumer: string, topic: string, partition: number, offset: number): Promise<void> {
    this.#started()
    if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new TwinflowError('validation', `recordProgress needs a partition and an offset >= 0, got ${partition} and ${offset}`, { context: { consumer, topic } })
    }
    const key = progressKey(consumer, topic)
    const partitions = this.#progress.get(key) ?? new Map<number, number>()
    this.#progress.set(key, partitions)
    // Progress never moves back: a late writer (a zombie after a rebalance) cannot undo it.
    partitions.set(partition, Math.max(partitions.get(partition) ?? -1, offset))
  }

  async markCutoff(view: string, cutoff: number): Promise<void> {
    this.#started().view(view)
    this.#mark(view, cutoff)
  }

  async markedCutoff(view: string): Promise<number | null> {
    this.#started().view(view)
    return this.#marks.get(view) ?? null
  }

  #mark(view: string, cutoff: number): void {
    if (!(cutoff <= (this.#marks.get(view) ?? -Infinity))) this.#marks.set(view, cutoff)
  }

  async newestEventTime(view: string): Promise<number | null> {
    this.#started().view(view)
    return this.#newest.get(view) ?? null
  }

  #groupsOf(view: string): Map<string, StoredGroup> {
    let groups = this.#views.get(view)
    if (!groups) {
      groups = new Map()
      this.#views.set(view, groups)
    }
    return groups
  }

  #started(): Pipeline {
    if (!this.#pipeline) throw new TwinflowError('unavailable', 'the memory realtime store is not started (call start(pipeline) first)', { retriable: false })
    return this.#pipeline
  }
}

function progressKey(consumer: string, topic: string): string {
  return `${consumer}\u0000${topic}`
}

function compareKeys(a: PartialRow['keys'], b: PartialRow['keys']): number {
  const x = JSON.stringify(a)
  const y = JSON.stringify(b)
  return x < y ? -1 : x > y ? 1 : 0
}
