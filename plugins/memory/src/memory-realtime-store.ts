import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import {
  groupId,
  systemClock,
  mergeCells,
  TwinflowError,
  validateFencedBatch,
  validateIdClaims,
  type IdClaim,
  type DeltaOutcome,
  type FencedBatch,
  type MarkedWindows,
  type PartialRow,
  type Pipeline,
  type RealtimeStore,
  type AlertStateEntry,
  type Clock,
  type Lease,
} from '@twinflow/core'
import { topicPartitionKey } from './topic-partition.ts'

interface StoredGroup {
  windowStart: number
  keys: PartialRow['keys']
  cells: PartialRow['cells']
  /** Per (topic, partition): the last offset whose events this group contains. */
  fences: Map<string, number>
}

export interface MemoryRealtimeStoreSettings {
  /**
   * Where the alert states are kept (JSON, replaced atomically on every write): they survive a
   * restart of the process, so that it neither repeats nor forgets a notification. Without it they
   * live in memory only.
   */
  alertStateFile?: string
  /** The time leases expire by. @default systemClock */
  clock?: Clock
}

/**
 * The embedded realtime store: the same semantics as the Redis store (the conformance suite in
 * `@twinflow/testing` holds both to them), in process memory. Every `apply` runs
 * synchronously after validation, so each delta and its fence change together (and the whole
 * batch is atomic, which the contract does not require). The windows survive `stop()`/`start()` of
 * the same instance, not the process (the speed layer rebuilds them from the log); the alert
 * states survive the process too when they have a file (`alertStateFile`). Leases are the
 * process's own, which is their single-process equivalent: one process uses a data directory.
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
  readonly #leases = new Map<string, { token: string; expiresAt: number }>()
  readonly #alertStates = new Map<string, string>()
  /** claimIds: per stream and key, the claimant's position and when the claim expires. */
  readonly #claims = new Map<string, { position: string; expiresAt: number }>()
  /** When expired claims are next swept out (each call sweeps at most once per this interval). */
  #nextSweep = 0
  readonly #clock: Clock
  #alertStatesLoaded = false
  /** The file writes, one after the other. */
  #saving: Promise<void> = Promise.resolve()

  constructor(private readonly settings: MemoryRealtimeStoreSettings = {}) {
    this.#clock = settings.clock ?? systemClock
  }

  async start(pipeline: Pipeline): Promise<void> {
    const file = this.settings.alertStateFile
    if (file && !this.#alertStatesLoaded) {
      const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null
        throw new TwinflowError('unavailable', `cannot read the alert states in ${file}: ${error.message}`, { cause: error })
      })
      if (text !== null) {
        let entries: AlertStateEntry[]
        try {
          entries = JSON.parse(text) as AlertStateEntry[]
        } catch (error) {
          throw new TwinflowError('internal', `the alert states in ${file} are not JSON (${(error as Error).message}); move the file away to start without them`, { cause: error })
        }
        for (const { key, value } of entries) this.#alertStates.set(key, value)
      }
      this.#alertStatesLoaded = true
    }
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

  async claimIds(claims: readonly IdClaim[], ttlMs: number): Promise<boolean[]> {
    validateIdClaims(this.#started(), claims, ttlMs)
    const now = this.#clock.now()
    if (now >= this.#nextSweep) {
      for (const [key, claim] of this.#claims) if (claim.expiresAt <= now) this.#claims.delete(key)
      this.#nextSweep = now + ttlMs
    }
    return claims.map((claim) => {
      const key = `${claim.stream}\u0000${claim.key}`
      const position = `${claim.partition}:${claim.offset}`
      const held = this.#claims.get(key)
      if (!held || held.expiresAt <= now) {
        this.#claims.set(key, { position, expiresAt: now + ttlMs })
        return true
      }
      return held.position === position
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

  async acquireLease(name: string, token: string, ttlMs: number): Promise<boolean> {
    this.#started()
    if (this.#holder(name) !== null) return false
    this.#leases.set(name, { token, expiresAt: this.#clock.now() + ttlMs })
    return true
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    this.#started()
    if (this.#holder(lease.name) !== lease.token) return false
    this.#leases.set(lease.name, { token: lease.token, expiresAt: this.#clock.now() + ttlMs })
    return true
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#started()
    if (this.#holder(lease.name) === lease.token) this.#leases.delete(lease.name)
  }

  async readAlertStates(): Promise<AlertStateEntry[]> {
    this.#started()
    return [...this.#alertStates].map(([key, value]) => ({ key, value }))
  }

  async writeAlertStates(lease: Lease, put: readonly AlertStateEntry[], remove: readonly string[]): Promise<boolean> {
    this.#started()
    if (this.#holder(lease.name) !== lease.token) return false
    for (const { key, value } of put) this.#alertStates.set(key, value)
    for (const key of remove) this.#alertStates.delete(key)
    const file = this.settings.alertStateFile
    if (file) {
      const snapshot = JSON.stringify([...this.#alertStates].map(([key, value]) => ({ key, value })))
      const save = this.#saving.then(async () => {
        await mkdir(dirname(file), { recursive: true })
        const temporary = `${file}.${process.pid}.tmp`
        await writeFile(temporary, snapshot)
        await rename(temporary, file)
      })
      this.#saving = save.catch(() => {})
      try {
        await save
      } catch (error) {
        throw new TwinflowError('unavailable', `cannot write the alert states to ${file}: ${(error as Error).message}`, { cause: error })
      }
    }
    return true
  }

  /** The token holding the lease now, or null (free, or expired). */
  #holder(name: string): string | null {
    const lease = this.#leases.get(name)
    if (!lease || lease.expiresAt <= this.#clock.now()) return null
    return lease.token
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
