/**
 * A PostgreSQL snapshot (`pg_current_snapshot()`, text `xmin:xmax:xip,xip,...`): which
 * transactions had committed when a statement read. A row version written by a transaction the
 * snapshot does not see, and whose cursor is below the checkpoint of that read, was committed
 * late: the keyset query after the checkpoint will never return it.
 */
export interface PgSnapshot {
  xmin: bigint
  xmax: bigint
  xip: bigint[]
}

const SNAPSHOT = /^(\d+):(\d+):((?:\d+(?:,\d+)*)?)$/

/** Parses a snapshot's text; null when it is not one. */
export function parsePgSnapshot(text: string): PgSnapshot | null {
  const m = SNAPSHOT.exec(text)
  if (m === null) return null
  return { xmin: BigInt(m[1]!), xmax: BigInt(m[2]!), xip: m[3] === '' ? [] : m[3]!.split(',').map((x) => BigInt(x)) }
}

const EPOCH = 1n << 32n
const HALF = 1n << 31n

/** The 32-bit form of a 64-bit transaction id (what a row's `xmin` column holds). */
const low32 = (x: bigint) => x % EPOCH

/**
 * SQL that is true when the row version's `xmin` (a 32-bit transaction id) was NOT visible to the
 * snapshot: neither before its xmin, nor before its xmax and out of its in-progress list. The
 * comparison is PostgreSQL's own circular one on 32-bit ids (`a` precedes `b` when (a − b) mod
 * 2^32 ≥ 2^31), valid for ids within 2^31 of each other, which vacuuming guarantees for live
 * rows; ids below 3 (bootstrap, frozen) are always visible.
 * Subtransactions: the snapshot lists only top-level transactions, so a row written in a
 * savepoint of a transaction in progress at the read is not seen as late.
 */
export function pgInvisibleSql(snapshot: PgSnapshot, xminColumn = 'xmin'): string {
  const x = `(${xminColumn}::text::bigint)`
  const precedes = (b: bigint) => `((${x} - ${low32(b)} + ${EPOCH}) % ${EPOCH}) >= ${HALF}`
  const inProgress = snapshot.xip.length === 0 ? 'false' : `${x} IN (${snapshot.xip.map((id) => low32(id)).join(', ')})`
  return `NOT (${x} < 3 OR ${precedes(snapshot.xmin)} OR (${precedes(snapshot.xmax)} AND NOT ${inProgress}))`
}

/**
 * The same visibility rule in JavaScript, on 32-bit ids (for tests of the SQL above, and to reason
 * about it): whether a row version written by `xid` is visible to `snapshot`.
 */
export function pgVisible(xid: bigint, snapshot: PgSnapshot): boolean {
  const precedes = (a: bigint, b: bigint) => (((a - low32(b)) % EPOCH) + EPOCH) % EPOCH >= HALF
  if (xid < 3n) return true
  if (precedes(xid, snapshot.xmin)) return true
  return precedes(xid, snapshot.xmax) && !snapshot.xip.some((id) => low32(id) === xid)
}
