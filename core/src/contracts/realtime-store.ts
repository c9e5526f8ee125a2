import type { PartialRow } from '../aggregate/partial-row.ts'
import type { Pipeline } from '../view/define-pipeline.ts'

/** A pre-aggregated change to one group of one view, from one log batch. */
export interface Delta {
  view: string
  windowStart: number
  keys: PartialRow['keys']
  /** Cell states: numbers, and canonical lists for sketch cells (see CellSpec). */
  cells: PartialRow['cells']
}

/** The deltas of one log batch of one partition: offsets firstOffset..lastOffset produced them. */
export interface FencedBatch {
  topic: string
  partition: number
  firstOffset: number
  lastOffset: number
  deltas: Delta[]
  /**
   * Per view, the newest event time (epoch ms) among the batch's events that the deltas contain.
   * Stores keep the running maximum for `newestEventTime` (without it, the newest window start).
   */
  newestEventTime?: Readonly<Record<string, number>>
}

/**
 * What happened to one delta. Each group key records, per (topic, partition), the last offset
 * whose events it contains (its fence F):
 * - `applied`: firstOffset > F; the delta was merged and F set to lastOffset.
 * - `duplicate`: lastOffset <= F; everything was applied before (redelivery); nothing changed.
 * - `overlap`: firstOffset <= F < lastOffset; nothing changed. The caller must recompute the delta
 *   from the events with offset > `fence` only, and apply that with firstOffset = fence + 1.
 *   (Happens when a batch is redelivered with other boundaries after a crash or rebalance.)
 */
export type DeltaOutcome = { status: 'applied' } | { status: 'duplicate' } | { status: 'overlap'; fence: number }

/**
 * One event's claim on its dedupe key (see `RealtimeStore.claimIds`): the stream, the key (the
 * event's id and horizon bucket, encoded by the caller; opaque to the store) and the event's log
 * position.
 */
export interface IdClaim {
  stream: string
  key: string
  partition: number
  offset: number
}

/** A view's realtime windows and its cutoff mark, read together (`readMarkedWindows`). */
export interface MarkedWindows {
  /** The windows of the range; empty when `unchanged`. */
  rows: PartialRow[]
  /** The highest cutoff marked for the view when (or after) the windows were read; `null`: none. */
  markedCutoff: number | null
  /**
   * The version of the view's windows this read saw: every change to them (a delta applied, a group
   * dropped) gives the view a version it never had before, so equal versions mean equal windows.
   * `null`: the store does not version them (every read is a full read).
   */
  version: string | null
  /**
   * The read named a version (`since`) and the view's windows are still at it: `rows` is empty,
   * and the rows the caller read at that version, of the same range, are the answer.
   */
  unchanged: boolean
}

/** A lease (see `RealtimeStore.acquireLease`): its name and the token of the holder that took it. */
export interface Lease {
  name: string
  token: string
}

/** One stored alert state: its key (the rule and the group) and its value, the evaluator's JSON. */
export interface AlertStateEntry {
  key: string
  value: string
}

/**
 * The speed layer's store of realtime windows (Redis in production, in-memory when embedded).
 * Applying a delta and recording its fence happen atomically per group key, so at-least-once
 * delivery gives exactly-once effects. Each call touches one key (one hash slot) per delta.
 *
 * It also keeps the alert role's state (alert states and the lease that says which process
 * evaluates and notifies): what must survive a restart of that process and be shared by every
 * process that runs the role.
 *
 * Lifecycle: `start(pipeline)`, then calls, then `stop()`.
 * Errors: `unavailable` (retriable) when the store cannot be reached; a failed `apply` may have
 * applied some deltas and not others: retrying the whole batch is safe (fences).
 */
export interface RealtimeStore {
  start(pipeline: Pipeline): Promise<void>
  stop(): Promise<void>
  /** Applies each delta under its fence; outcomes are in the order of `batch.deltas`. */
  apply(batch: FencedBatch): Promise<DeltaOutcome[]>
  /** Groups of a view with from <= windowStart < to. */
  readWindows(view: string, from: number, to: number): Promise<PartialRow[]>
  /**
   * `readWindows` and `markedCutoff` in one read, the mark read no earlier than the windows (at
   * the same instant where the store can: one script, one round trip): what a reader needs to
   * check its realtime windows were complete (see `markCutoff`) without a second round trip.
   * With `since` (the `version` of an earlier read of the same range), a conditional read: when
   * the view's windows have not changed since, it answers `unchanged` with the mark and no rows.
   */
  readMarkedWindows(view: string, from: number, to: number, since?: string | null): Promise<MarkedWindows>
  /**
   * Deletes a view's windows with windowStart < cutoff, fences included; returns how many groups
   * were deleted. Marks the cutoff first (see `markCutoff`), so a drop is never unannounced.
   */
  dropBefore(view: string, cutoff: number): Promise<number>
  /**
   * Records that the speed layer is about to stop applying, then drop, a view's windows below
   * `cutoff` (it calls this before either). Never moves back. A reader that read the realtime
   * windows from an older cutoff on and then finds the mark still at or below that cutoff knows
   * those windows were complete and all there during its read: no query to the batch engine needed.
   */
  markCutoff(view: string, cutoff: number): Promise<void>
  /** The highest cutoff marked for a view (`null`: none). */
  markedCutoff(view: string): Promise<number | null>
  /**
   * The speed layer's memory of event ids (`dedupeBy`, docs/architecture.md "Deduplication"). In
   * the order given, each claim on (stream, key): when no live claim holds the key, it records the
   * claim's position, to expire `ttlMs` later, and answers true (the event is kept); when the
   * key holds this very position (a redelivery), true again, nothing changed; otherwise false (a
   * duplicate). So claims are idempotent: retrying a whole call after any failure gives the same
   * answers. Claims of one call may repeat a key: the later ones see the earlier. Each claim is one
   * key (one hash slot).
   */
  claimIds(claims: readonly IdClaim[], ttlMs: number): Promise<boolean[]>
  /** The consumer's recorded progress: last fully applied offset per partition. */
  progress(consumer: string, topic: string): Promise<Map<number, number>>
  /** Records that every delta up to `offset` of the partition is applied (after `apply`). Never moves back: a smaller offset (a zombie's) is ignored. */
  recordProgress(consumer: string, topic: string, partition: number, offset: number): Promise<void>
  /** Newest event time applied to a view (epoch ms; see FencedBatch.newestEventTime), for freshness. */
  newestEventTime(view: string): Promise<number | null>
  /**
   * Takes the lease `name` for `token` for `ttlMs`, if no one holds it: true when taken, false
   * when held (by anyone, `token` included: a holder extends it with `renewLease`). A lease not
   * renewed expires after `ttlMs`. Redis: `SET <key> <token> NX PX <ttl>` (the single-instance lock
   * of Redis's documentation); embedded: the same in the process.
   */
  acquireLease(name: string, token: string, ttlMs: number): Promise<boolean>
  /** Extends the lease to `ttlMs` from now if `lease.token` still holds it (compare and extend, atomically); false when it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>
  /** Gives the lease up if `lease.token` still holds it (compare and delete, atomically); otherwise does nothing. */
  releaseLease(lease: Lease): Promise<void>
  /** Every alert state stored, in no particular order. */
  readAlertStates(): Promise<AlertStateEntry[]>
  /**
   * Writes alert states (`put` sets each key's value, `remove` deletes keys) only while `lease.token`
   * holds the lease, checked in the same atomic step as the writes (the lease's token fences the
   * state: a process that lost its lease, paused past its expiry, writes nothing). Resolves true when
   * written, false when the lease is not held (nothing written).
   */
  writeAlertStates(lease: Lease, put: readonly AlertStateEntry[], remove: readonly string[]): Promise<boolean>
}
