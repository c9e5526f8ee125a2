import DataLoader from 'dataloader'
import type { BatchEngine, Clock, EventLog, Pipeline, Publication, RealtimeStore } from '@twinflow/core'
import type { AnswerSource } from '../query/view-query.ts'
import type { ViewSnapshot } from '../query/view-snapshot.ts'
import type { Freshness, FreshnessNeeds } from './freshness.ts'
import { FreshnessReads } from './freshness-reads.ts'
import type { RangeRead, ViewReader } from './view-reader.ts'

export interface ReadSessionDeps {
  pipeline: Pipeline
  reader: ViewReader
  batch: BatchEngine
  realtime: RealtimeStore
  log: EventLog
  clock: Clock
  /** The speed layer's consumer group: its progress is recorded under this name. */
  speedGroupId: string
  /** Freshness reads shared by the sessions of one server (one per session when not given). */
  freshnessReads?: FreshnessReads
}

/**
 * The reads of one GraphQL request. Every read asked for in the same tick (all the view fields and
 * aliases of a query) goes out together: one `readMany` for the views, and one freshness lookup per
 * view and per topic, whatever the number of fields that need them. Between requests, only the
 * batch part cache and the in-flight freshness reads (FreshnessReads) are shared.
 */
export class ReadSession {
  readonly #snapshots: DataLoader<RangeRead, ViewSnapshot, string>
  readonly #newest: DataLoader<string, number | null>
  readonly #frontier: DataLoader<string, number | null>
  readonly #progress: DataLoader<string, ReadonlyMap<number, number>>
  readonly #ends: DataLoader<string, ReadonlyMap<number, number>>
  readonly #publication: DataLoader<string, Publication | null>
  readonly #publications: DataLoader<string, Publication[]>

  constructor(private readonly deps: ReadSessionDeps) {
    this.#snapshots = new DataLoader((reads) => deps.reader.readMany(reads), {
      cacheKeyFn: (r) => `${r.view}\u0000${r.from}\u0000${r.to}\u0000${r.bucket?.key ?? ''}\u0000${r.keys?.id ?? ''}\u0000${r.pager?.key ?? ''}`,
    })
    const shared = deps.freshnessReads ?? new FreshnessReads(deps)
    this.#newest = new DataLoader((views) => Promise.all(views.map((v) => shared.newest.get(v))))
    this.#frontier = new DataLoader((streams) => Promise.all(streams.map((s) => shared.frontier.get(s))))
    this.#progress = new DataLoader((topics) => Promise.all(topics.map((t) => shared.progress.get(t))))
    this.#ends = new DataLoader((topics) => Promise.all(topics.map((t) => shared.ends.get(t))))
    this.#publication = new DataLoader((views) => Promise.all(views.map((v) => deps.batch.currentPublication(v))))
    this.#publications = new DataLoader((views) => Promise.all(views.map((v) => deps.batch.publications(v))))
  }

  /** The view's served publication (pipeline introspection; answers use the one their snapshot was read at). */
  publication(view: string): Promise<Publication | null> {
    return this.#publication.load(view)
  }

  /** Every publication of the view, newest first. */
  publications(view: string): Promise<Publication[]> {
    return this.#publications.load(view)
  }

  snapshot(read: RangeRead): Promise<ViewSnapshot> {
    return this.#snapshots.load(read)
  }

  /**
   * Starts the reads behind `freshness` for a view now, alongside the answer's own reads, when the
   * query will ask for it: `freshness` then uses these reads (one per view and topic per session)
   * instead of starting them after the answer is merged. A failure is reported by nothing here:
   * the freshness that shares the read reports it, and one that asks after it reads again.
   */
  startFreshnessReads(view: string, needs: FreshnessNeeds): void {
    for (const read of this.#freshnessReads(view, needs)) read?.catch(() => {})
  }

  /** The freshness of an answer merged at `source.publication`, with the reads `needs` asks for (the others are left undefined). */
  async freshness(source: AnswerSource, needs: FreshnessNeeds): Promise<Freshness> {
    const [newest, progress, ends, frontier] = await Promise.all(this.#freshnessReads(source.view, needs))
    const answeredAt = this.deps.clock.now()
    const freshness: Freshness = { ...publicationFields(source.publication), answeredAt }
    if (newest !== undefined) freshness.newestEventTime = newest
    if (frontier !== undefined) freshness.streamEventTime = frontier
    if (needs.newest && needs.frontier) freshness.realtimeLagMs = newest == null ? null : Math.max(0, (frontier ?? newest) - newest)
    if (progress && ends) freshness.pendingEvents = pendingEvents(ends, progress)
    return freshness
  }

  #freshnessReads(
    view: string,
    needs: FreshnessNeeds,
  ): [Promise<number | null>?, Promise<ReadonlyMap<number, number>>?, Promise<ReadonlyMap<number, number>>?, Promise<number | null>?] {
    const { stream } = this.deps.pipeline.view(view)
    return [
      needs.newest ? this.#newest.load(view) : undefined,
      needs.pending ? this.#progress.load(stream.topic) : undefined,
      needs.pending ? this.#ends.load(stream.topic) : undefined,
      needs.frontier ? this.#frontier.load(stream.name) : undefined,
    ]
  }
}

function publicationFields(publication: Publication | null): Pick<Freshness, 'cutoff' | 'batchVersion' | 'batchPublishedAt'> {
  return { cutoff: publication?.cutoff ?? null, batchVersion: publication?.version ?? null, batchPublishedAt: publication?.publishedAt ?? null }
}

/** Records between the last applied offset and the end of each partition (end is the next offset to write). */
export function pendingEvents(ends: ReadonlyMap<number, number>, applied: ReadonlyMap<number, number>): number {
  let pending = 0
  for (const [partition, end] of ends) pending += Math.max(0, end - 1 - (applied.get(partition) ?? -1))
  return pending
}
