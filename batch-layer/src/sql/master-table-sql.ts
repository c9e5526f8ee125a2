import type { Scalar, StreamDef, ValueKind } from '@twinflow/core'
import { quoteIdentifier } from './quote-identifier.ts'

/**
 * The first `_partition` of loaded history: a file loaded into a master table (not through the log)
 * is a partition of its own at or above it, its rows' `_offset` their row numbers in the file, so
 * that a load resumes as the archiver does, and log partitions (below it) are told apart.
 */
export const LOAD_PARTITION_BASE = 2 ** 31

/** What a rejected record's fields hold, by kind. */
export const REJECTED_FIELD_VALUES: Readonly<Record<ValueKind, Scalar>> = { string: '', int: 0, float: 0, bool: 0, time: 0 }

/** The columns every master table has before the stream's fields. */
export const MASTER_SYSTEM_COLUMNS = [
  { name: '_partition', type: 'UInt32' },
  { name: '_offset', type: 'UInt64' },
  { name: '_error', type: 'String' },
] as const

/**
 * SQL of a stream's master table `tf_master_<stream>`: every consumed log record with its
 * (partition, offset); `_error` is non-empty for a record the archiver rejected (its fields then
 * hold default values), so that max(_offset) per partition covers every consumed offset. A record
 * is there once, or more than once after a zombie insert (an archiver that lost its partitions
 * while frozen mid-insert, then finished it): whatever reads it counts each (partition, offset)
 * once (the ledger, ledgerSql, tells which blocks of offsets need it).
 */
export const masterTableSql = {
  table(stream: StreamDef): string {
    return `tf_master_${stream.name}`
  },

  /** Expected columns, system columns first, then the stream's fields in declaration order (an optional field's is Nullable). */
  columns(stream: StreamDef): { name: string; type: string }[] {
    return [
      ...MASTER_SYSTEM_COLUMNS,
      ...Object.entries(stream.fields).map(([name, type]) => ({ name, type: type.nullable === true ? `Nullable(${type.clickhouseType})` : type.clickhouseType })),
    ]
  },

  /** Idempotent DDL. Partitions are UTC months of the event time; rows are sorted by event time. */
  create(stream: StreamDef): string {
    const columns = masterTableSql.columns(stream).map((c) => `${quoteIdentifier(c.name)} ${c.type}`)
    const time = quoteIdentifier(stream.timeField)
    return (
      `CREATE TABLE IF NOT EXISTS ${masterTableSql.table(stream)} (${columns.join(', ')}) ` +
      `ENGINE = MergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(${time}, 1000), 'UTC')) ORDER BY ${time}`
    )
  },

  /** Adds a field declared after the table was created (old rows read its default value). */
  addColumn(stream: StreamDef, column: { name: string; type: string }): string {
    return `ALTER TABLE ${masterTableSql.table(stream)} ADD COLUMN ${quoteIdentifier(column.name)} ${column.type}`
  },

  /** Highest offset per partition, rejected records included: `{ p, o }` rows. Exact; scans two columns of the whole table. */
  archivedOffsets(stream: StreamDef): string {
    return `SELECT _partition AS p, max(_offset) AS o FROM ${masterTableSql.table(stream)} GROUP BY _partition`
  },

  /**
   * The materialized view that keeps max(_offset) per partition as inserts arrive (one row per
   * partition). Its own prefix: `tf_master_<stream>_offsets` would be the master table of a stream
   * named `<stream>_offsets`.
   */
  offsetsView(stream: StreamDef): string {
    return `tf_offsets_${stream.name}`
  },

  /**
   * Idempotent DDL of the offsets view. ClickHouse fills it in the same INSERT, after the master
   * table's part is written: it can lag the table (an insert that failed between the two, or rows
   * archived before the view existed), never lead it.
   */
  createOffsetsView(stream: StreamDef): string {
    return (
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${masterTableSql.offsetsView(stream)} ENGINE = AggregatingMergeTree() ORDER BY _partition ` +
      `AS SELECT _partition, maxState(_offset) AS o FROM ${masterTableSql.table(stream)} GROUP BY _partition`
    )
  },

  /** Fills the offsets view from the master table (for a table that had rows before the view). */
  seedOffsetsView(stream: StreamDef): string {
    return `INSERT INTO ${masterTableSql.offsetsView(stream)} SELECT _partition, maxState(_offset) AS o FROM ${masterTableSql.table(stream)} GROUP BY _partition`
  },

  /** A lower bound of `archivedOffsets`, read from the offsets view: `{ p, o }` rows, whatever the table's size. */
  archivedOffsetsLowerBound(stream: StreamDef): string {
    return `SELECT _partition AS p, maxMerge(o) AS o FROM ${masterTableSql.offsetsView(stream)} GROUP BY _partition`
  },

  /**
   * The materialized view of the stream's watermark of earlier versions (max event time per
   * partition), replaced by the ledger (ledgerSql), which carries it: dropped at start when found.
   */
  replacedWatermarkView(stream: StreamDef): string {
    return `tf_watermark_${stream.name}`
  },

  /** Rows of one partition, its highest offset and its rejected rows, each once even if an insert landed twice: `{ n, o, r }` (o is 0 when n is 0). */
  partitionEnd(stream: StreamDef, partition: number): string {
    return `SELECT count() AS n, max(_offset) AS o, uniqExactIf(_offset, _error != '') AS r FROM ${masterTableSql.table(stream)} WHERE _partition = ${partition >>> 0}`
  },

  /** Rejected inputs the archiver kept (with their reason in `_error`), each once even if a zombie insert archived it twice. */
  rejectedCount(stream: StreamDef): string {
    return `SELECT uniqExact(_partition, _offset) AS n FROM ${masterTableSql.table(stream)} WHERE _error != '' AND _partition < ${LOAD_PARTITION_BASE}`
  },
}
