import type { StreamDef } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'
import { LOAD_PARTITION_BASE, masterTableSql } from './master-table-sql.ts'
import { quoteIdentifier } from './quote-identifier.ts'
import type { OffsetBlock } from './offset-block.ts'

/** Offsets per ledger block: the ledger keeps its figures per partition and 2^20 consecutive offsets. */
export const LEDGER_BLOCK = 2 ** 20

/**
 * SQL over a block's figures `n` (rows), `lo`, `hi` (lowest and highest offset) and `s` (sum of the
 * offsets, modulo 2^64 like ClickHouse's UInt64 sum): true when the block holds exactly the offsets
 * lo..hi once each, given that they are dense. A row held twice makes n exceed hi − lo + 1, unless
 * offsets are missing too (retention cut the log before the archiver read it); then the sum must also
 * match n·(lo + hi)/2, which a duplicate filling a gap of the same count only does by coincidence.
 * Anything else (a gap alone, a lagging ledger) reads as not clean: "deduplicate this block".
 */
const CLEAN = 'n = hi - lo + 1 AND s = if(n % 2 = 0, (lo + hi) * intDiv(n, 2), intDiv(lo + hi, 2) * n)'

/** The block of an offset, in SQL. */
const BLOCK_OF_OFFSET = `intDiv(_offset, ${LEDGER_BLOCK})`

/**
 * SQL of a stream's ledger `tf_ledger_<stream>`: a materialized view of its master table with, per
 * (partition, block of offsets), the row count, lowest, highest and summed offset, and the newest
 * event time of the accepted rows (the stream's event-time watermark). ClickHouse fills it in the
 * same INSERT as the table, after the table's part: it can lag the table (an insert that failed
 * between the two, or in flight), and it never holds a row the table does not, except when seeding
 * raced a zombie insert. So a read of it is trusted only when its row count equals the table's,
 * read after it (`check`); blocks whose figures are not exactly those of rows lo..hi once each are
 * "suspect": the batch build deduplicates them, and only them.
 */
export const ledgerSql = {
  view(stream: StreamDef): string {
    return `tf_ledger_${stream.name}`
  },

  /** DDL, without IF NOT EXISTS: of two processes creating it, one succeeds, and that one seeds it. */
  create(stream: StreamDef): string {
    return (
      `CREATE MATERIALIZED VIEW ${ledgerSql.view(stream)} ENGINE = AggregatingMergeTree() ORDER BY (_partition, _block) ` +
      `AS SELECT ${states(stream)} FROM ${masterTableSql.table(stream)} GROUP BY _partition, _block`
    )
  },

  /** `{ p, lo }` rows: the lowest offset per partition in the ledger. */
  lowestOffsets(stream: StreamDef): string {
    return `SELECT _partition AS p, minMerge(min_state) AS lo FROM ${ledgerSql.view(stream)} GROUP BY _partition`
  },

  /**
   * Fills the ledger with the master table's rows of offsets below `below` per partition (the
   * rows archived before the ledger existed; other partitions: none). Null when there is nothing to seed.
   */
  seed(stream: StreamDef, below: ReadonlyMap<number, number>): string | null {
    const bounds = [...below].filter(([, bound]) => bound > 0)
    if (bounds.length === 0) return null
    const condition = `multiIf(${bounds.map(([p, bound]) => `_partition = ${p}, _offset < ${bound}`).join(', ')}, 0)`
    return (
      `INSERT INTO ${ledgerSql.view(stream)} (_partition, _block, rows_state, min_state, max_state, sum_state, accepted_state, watermark_state) ` +
      `SELECT ${states(stream)} FROM ${masterTableSql.table(stream)} WHERE ${condition} GROUP BY _partition, _block`
    )
  },

  /** `{ loaded (0|1), w, a }` rows: the newest event time of accepted rows, and how many there are, of log partitions and of loaded files. */
  watermarks(stream: StreamDef): string {
    return (
      `SELECT _partition >= ${LOAD_PARTITION_BASE} AS loaded, maxIfMerge(watermark_state) AS w, countIfMerge(accepted_state) AS a ` +
      `FROM ${ledgerSql.view(stream)} GROUP BY loaded`
    )
  },

  /**
   * One row `{ ledger, total }`: `ledger` the tuple [rows in the ledger, suspect blocks' partitions,
   * their blocks, log watermark, accepted rows of log partitions, loaded watermark, accepted loaded
   * rows], `total` the master table's rows (from its parts' metadata: no scan). The ledger is read
   * first (a scalar subquery runs before the query that holds it), then the table: so when the two
   * counts are equal, the ledger held exactly the table's rows when it was read.
   */
  check(stream: StreamDef): string {
    const ledger =
      `SELECT tuple(sum(n), groupArrayIf(p, NOT (${CLEAN})), groupArrayIf(b, NOT (${CLEAN})), ` +
      `maxIf(w, a > 0 AND p < ${LOAD_PARTITION_BASE}), sumIf(a, p < ${LOAD_PARTITION_BASE}), ` +
      `maxIf(w, a > 0 AND p >= ${LOAD_PARTITION_BASE}), sumIf(a, p >= ${LOAD_PARTITION_BASE})) ` +
      `FROM (SELECT _partition AS p, _block AS b, countMerge(rows_state) AS n, minMerge(min_state) AS lo, maxMerge(max_state) AS hi, ` +
      `sumMerge(sum_state) AS s, countIfMerge(accepted_state) AS a, maxIfMerge(watermark_state) AS w FROM ${ledgerSql.view(stream)} GROUP BY p, b)`
    return (
      `SELECT (${ledger}) AS ledger, sum(rows) AS total FROM system.parts ` +
      `WHERE database = currentDatabase() AND table = ${formatLiteral(masterTableSql.table(stream), 'string')} AND active`
    )
  },

  /** `{ p, b }` rows: the suspect blocks, from the master table itself (exact whatever the ledger holds; scans two columns). */
  suspectsOfTable(stream: StreamDef): string {
    return (
      `SELECT p, b FROM (SELECT _partition AS p, ${BLOCK_OF_OFFSET} AS b, count() AS n, min(_offset) AS lo, max(_offset) AS hi, sum(_offset) AS s ` +
      `FROM ${masterTableSql.table(stream)} GROUP BY p, b) WHERE NOT (${CLEAN})`
    )
  },

  /** SQL true for the master table's rows of these blocks (at least one). */
  inBlocks(blocks: readonly OffsetBlock[]): string {
    return blocks.map((b) => `(_partition = ${b.partition} AND ${BLOCK_OF_OFFSET} = ${b.block})`).join(' OR ')
  },
}

/** The ledger's columns, as aggregate states over master table rows grouped by (_partition, _block). */
function states(stream: StreamDef): string {
  const time = quoteIdentifier(stream.timeField)
  return (
    `_partition, ${BLOCK_OF_OFFSET} AS _block, countState() AS rows_state, minState(_offset) AS min_state, maxState(_offset) AS max_state, ` +
    `sumState(_offset) AS sum_state, countIfState(_error = '') AS accepted_state, maxIfState(${time}, _error = '') AS watermark_state`
  )
}
