import { compileDecoder, compileViewEvaluator, PiiMasking, type EvaluatedEvent, type EventMask, type StreamDef, type ViewDef } from '@twinflow/core'
import { BatchAggregate } from '../batch-aggregate.ts'
import type { FoldOutcome } from './batch-folder.ts'

/** The records a fold reads: by index, in offset order (a log batch's, or a packed copy of them in a fold thread). */
export interface FoldRecords {
  readonly length: number
  offset(index: number): number
  /** When the record was appended to the log (epoch ms): what an event's time may not be too far ahead of. */
  timestamp(index: number): number
  payload(index: number): Buffer
  /** Whether a Twinflow producer masked the record (MASKED_HEADER); asked only for a stream with personal fields. */
  masked(index: number): boolean
}

/** A record the first pass dead-letters, by its index in the records. */
export interface FoldLetter {
  index: number
  reason: string
}

/** What the first pass of a batch collects besides the aggregate. */
export interface FirstPass {
  /** Valid events one of whose views cannot take them (a measure that is NaN): one letter per event, every such view's reason in it. */
  letters: FoldLetter[]
  /** Records the stream's decoder rejected: skipped here; the archiver, which sees every record, dead-letters them. */
  invalid: number
  /** (event, view) pairs skipped because their window is below the view's cutoff. */
  skippedBelowCutoff: number
  /** The newest event time per view (only views that got an event). */
  newest: Record<string, number>
  /** Valid events dropped as duplicates of an earlier one (the stream's `dedupeBy`). */
  duplicates: number
}

/** A valid record's dedupe key (see `StreamFold.dedupeKeys`), by its index in the records. */
export interface DedupeKey {
  index: number
  key: string
}

/** A view's evaluation threw (a bug in an expression's implementation, not bad input). */
export class FoldError extends Error {
  constructor(
    readonly view: string,
    readonly offset: number,
    cause: unknown,
  ) {
    super(`evaluating view "${view}" threw at offset ${offset}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'FoldError'
  }
}

/** A record decoded by the stream's decoder. */
export type Decoded = { ok: true; event: Record<string, unknown> } | { ok: false; reason: string }

type Decode = (payload: Buffer, logTime: number) => Decoded

interface CompiledView {
  view: ViewDef
  evaluate: (event: Record<string, unknown>, into?: EvaluatedEvent) => EvaluatedEvent | null
  /** What `evaluate` fills for each event of a fold (one per view, so no object per event). */
  scratch: EvaluatedEvent
}

/**
 * One stream's views compiled for the speed layer's fold: decode every record with the stream's
 * decoder, evaluate every view, skip windows below the view's cutoff, pre-aggregate per (view,
 * window, keys). The same code folds a batch on the event loop and in a fold thread, so both give
 * the same aggregate.
 */
export class StreamFold {
  readonly stream: StreamDef
  readonly views: readonly ViewDef[]
  readonly #decode: Decode
  /** Null when the stream has no personal field. */
  readonly #mask: EventMask | null
  readonly #views: CompiledView[]

  /** `masking`: an event no Twinflow producer masked has its personal fields masked before any view sees it (a view may group by one). */
  constructor(stream: StreamDef, views: readonly ViewDef[], options: { maxEventBytes: number; masking?: PiiMasking }) {
    this.stream = stream
    this.views = views
    this.#decode = compileDecoder(stream, { maxBytes: options.maxEventBytes }) as Decode
    this.#mask = (options.masking ?? new PiiMasking([stream], null)).eventMask(stream.name)
    this.#views = views.map((view) => ({ view, evaluate: compileViewEvaluator(view), scratch: { windowStart: 0, keys: [], cells: [] } }))
  }

  /** Whether the stream has personal fields: the records' `masked` flags are then read. */
  get masks(): boolean {
    return this.#mask !== null
  }

  /** The first pass over all of `records` but the `dropped` offsets: its deltas and what `FirstPass` collects (what a `BatchFolder` answers). */
  foldFirst(records: FoldRecords, cutoffs: readonly number[], dropped: ReadonlySet<number> | null = null, decoded: readonly Decoded[] | null = null): FoldOutcome {
    const first: FirstPass = { letters: [], invalid: 0, skippedBelowCutoff: 0, newest: {}, duplicates: 0 }
    const aggregate = this.fold(records, cutoffs, -1, first, dropped, decoded)
    return { ...first, deltas: aggregate.deltas() }
  }

  /**
   * The dedupe key of every valid record, for a stream with `dedupeBy` (none otherwise): its horizon
   * bucket and its id, `<floor(time / horizon)>:<id>` (docs/architecture.md, "Deduplication"), and
   * every record decoded (by index), for the folds of the same records to use (`decoded`).
   */
  dedupeKeys(records: FoldRecords): { keys: DedupeKey[]; decoded: Decoded[] } {
    const dedupe = this.stream.dedupe
    if (!dedupe) return { keys: [], decoded: [] }
    const keys: DedupeKey[] = []
    const decoded: Decoded[] = new Array(records.length)
    for (let r = 0; r < records.length; r++) {
      const d = (decoded[r] = this.#decodeMasked(records, r))
      if (!d.ok) continue
      const time = d.event[this.stream.timeField] as number
      keys.push({ index: r, key: `${Math.floor(time / dedupe.horizonMs)}:${String(d.event[dedupe.field])}` })
    }
    return { keys, decoded }
  }

  /** Record `r` decoded, its personal fields masked unless a Twinflow producer masked them (so a dedupe key or a view never sees a raw value). */
  #decodeMasked(records: FoldRecords, r: number): Decoded {
    const decoded = this.#decode(records.payload(r), records.timestamp(r))
    if (!decoded.ok || this.#mask === null || records.masked(r)) return decoded
    return { ...decoded, event: this.#mask(decoded.event) }
  }

  /**
   * Folds the records with offset > `after` into a new aggregate (`cutoffs` in the order of
   * `views`). The first pass (`first` given) also collects the dead letters (an event whose measure
   * is NaN, which has no monoid, for a view), the count of invalid records, the skipped pairs and the
   * newest event time per view; a later pass (the part after a fence) folds the same records the
   * same way, so it gives exactly those events' contributions. Records at a `dropped` offset (valid
   * events that are duplicates) are left out of every view; `decoded` (by index) are the records
   * decoded (and masked) already. Throws `FoldError` if a view's evaluation throws.
   */
  fold(
    records: FoldRecords,
    cutoffs: readonly number[],
    after: number,
    first: FirstPass | null,
    dropped: ReadonlySet<number> | null = null,
    decoded: readonly Decoded[] | null = null,
  ): BatchAggregate {
    const views = this.#views
    const timeField = this.stream.timeField
    const aggregate = new BatchAggregate()
    for (let r = 0; r < records.length; r++) {
      const offset = records.offset(r)
      if (offset <= after) continue
      if (dropped?.has(offset)) {
        if (first) first.duplicates++
        continue
      }
      const record = decoded?.[r] ?? this.#decodeMasked(records, r)
      if (!record.ok) {
        if (first) first.invalid++
        continue
      }
      const { event } = record
      let rejected: string[] | null = null
      for (let i = 0; i < views.length; i++) {
        const { view, evaluate, scratch } = views[i]!
        let evaluated: EvaluatedEvent | null
        try {
          evaluated = evaluate(event, scratch)
        } catch (error) {
          throw new FoldError(view.name, offset, error)
        }
        if (evaluated === null) continue
        if (evaluated.windowStart < cutoffs[i]!) {
          if (first) first.skippedBelowCutoff++
          continue
        }
        const nan = nanCell(evaluated.cells)
        if (nan >= 0) {
          if (first) (rejected ??= []).push(`evaluation: view "${view.name}" gives NaN for ${view.cells[nan]!.column}`)
          continue
        }
        aggregate.add(view, evaluated)
        if (first) {
          const time = event[timeField] as number
          if (!(time <= first.newest[view.name]!)) first.newest[view.name] = time
        }
      }
      if (rejected) first!.letters.push({ index: r, reason: rejected.join('; ') })
    }
    return aggregate
  }
}

/** The index of the first NaN cell, or -1. */
function nanCell(cells: readonly number[]): number {
  for (let i = 0; i < cells.length; i++) if (Number.isNaN(cells[i])) return i
  return -1
}
