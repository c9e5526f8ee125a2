import type { RejectedLine } from './rejected-line.ts'

/** Rejected inputs a key's record keeps (its count is kept whole). */
export const REMEMBERED_REJECTIONS = 20
/** Characters of a reason a key's record keeps. */
const REASON_CHARS = 300

/**
 * What became of a request that carried an `Idempotency-Key`, as far as the log holds it: the
 * request's messages in the log or rejected so far (`done` of `total`: fewer while a request cut
 * into several log batches is not all in), and its outcome so far.
 */
export interface KeyRecord {
  /** base64url SHA-256 of the caller's name and the key (keys are per caller), 22 characters. */
  id: string
  /** base64url SHA-256 of the body, 22 characters: the same key with another body is refused. */
  body: string
  /** When the request came (epoch ms): the window counts from it. */
  at: number
  done: number
  total: number
  accepted: number
  /** The first REMEMBERED_REJECTIONS rejected inputs, reasons cut to 300 characters. */
  rejected: RejectedLine[]
  rejectedCount: number
}

export interface IdempotencyWindow {
  /** How long a key is remembered after its request came. */
  windowMs: number
  /** Most keys remembered: past it the oldest are forgotten first. */
  maxKeys: number
}

type Row = [string, string, number, number, number, number, number, ([number, string] | [number, string, number])[]]

/**
 * The idempotency keys of an HTTP source's recent requests with their outcomes, kept in the
 * source's checkpoint, which the log saves with each batch that carries a keyed request (in the
 * same append where the log has `atomicCheckpoints`): a request retried after a timeout, or after
 * a restart of the process, is answered from here instead of being appended again. A key is
 * remembered for `windowMs` after its request came, and only the newest `maxKeys`.
 * `checkpoint(updates)` gives the checkpoint with a batch's updates without applying them (the
 * append may fail); `apply(updates)` applies them once the batch is in the log.
 */
export class IdempotencyTable {
  #rows = new Map<string, { record: KeyRecord; json: string }>()

  constructor(private readonly window: IdempotencyWindow) {}

  /** The table a checkpoint holds; a checkpoint it cannot read gives an empty table and the reason. */
  static restore(checkpoint: string | null, window: IdempotencyWindow): { table: IdempotencyTable; problem: string | null } {
    const table = new IdempotencyTable(window)
    if (checkpoint === null) return { table, problem: null }
    let parsed: unknown
    try {
      parsed = JSON.parse(checkpoint)
    } catch (error) {
      return { table, problem: `the checkpoint is not JSON: ${(error as Error).message}` }
    }
    const keys = (parsed as { v?: unknown; keys?: unknown } | null)?.keys
    if ((parsed as { v?: unknown } | null)?.v !== 1 || !Array.isArray(keys)) return { table, problem: 'the checkpoint is not one of this version (v: 1, keys)' }
    for (const row of keys) {
      const record = recordOf(row)
      if (record) table.#rows.set(record.id, { record, json: JSON.stringify(row) })
    }
    return { table, problem: null }
  }

  get size(): number {
    return this.#rows.size
  }

  /** The record of a key id, unless forgotten (older than the window). */
  get(id: string, now: number): KeyRecord | undefined {
    const row = this.#rows.get(id)
    return row && row.record.at >= now - this.window.windowMs ? row.record : undefined
  }

  /** The checkpoint of the table with `updates` applied (new records, or records of more `done`), at `now`; the table is unchanged. */
  checkpoint(updates: readonly KeyRecord[], now: number): string {
    const rows = new Map(this.#rows)
    upsert(rows, updates)
    prune(rows, this.window, now)
    let text = '{"v":1,"keys":['
    let first = true
    for (const row of rows.values()) {
      text += first ? row.json : `,${row.json}`
      first = false
    }
    return `${text}]}`
  }

  /** Applies a batch's updates, once the batch is in the log. */
  apply(updates: readonly KeyRecord[], now: number): void {
    upsert(this.#rows, updates)
    prune(this.#rows, this.window, now)
  }
}

/** A record as remembered: at most REMEMBERED_REJECTIONS rejections, reasons cut. */
export function rememberedRecord(record: KeyRecord): KeyRecord {
  const rejected = record.rejected.slice(0, REMEMBERED_REJECTIONS).map((r) => (r.reason.length > REASON_CHARS ? { ...r, reason: `${r.reason.slice(0, REASON_CHARS - 1)}…` } : r))
  return { ...record, rejected }
}

function upsert(rows: Map<string, { record: KeyRecord; json: string }>, updates: readonly KeyRecord[]): void {
  for (const update of updates) {
    const record = rememberedRecord(update)
    const row: Row = [
      record.id,
      record.body,
      record.at,
      record.done,
      record.total,
      record.accepted,
      record.rejectedCount,
      record.rejected.map((r) => (r.index === undefined ? [r.line, r.reason] : [r.line, r.reason, r.index])),
    ]
    rows.set(record.id, { record, json: JSON.stringify(row) })
  }
}

function prune(rows: Map<string, { record: KeyRecord }>, window: IdempotencyWindow, now: number): void {
  const oldest = now - window.windowMs
  for (const [id, row] of rows) {
    if (rows.size <= window.maxKeys && row.record.at >= oldest) break
    rows.delete(id)
  }
}

function recordOf(row: unknown): KeyRecord | null {
  if (!Array.isArray(row) || row.length !== 8) return null
  const [id, body, at, done, total, accepted, rejectedCount, rejected] = row as unknown[]
  const numbers = [at, done, total, accepted, rejectedCount]
  if (typeof id !== 'string' || typeof body !== 'string' || !numbers.every((n) => Number.isSafeInteger(n)) || !Array.isArray(rejected)) return null
  const lines: RejectedLine[] = []
  for (const r of rejected) {
    if (!Array.isArray(r) || typeof r[0] !== 'number' || typeof r[1] !== 'string') return null
    lines.push(typeof r[2] === 'number' ? { line: r[0], index: r[2], reason: r[1] } : { line: r[0], reason: r[1] })
  }
  return { id, body, at: at as number, done: done as number, total: total as number, accepted: accepted as number, rejected: lines, rejectedCount: rejectedCount as number }
}
