import {
  cellIdentity,
  type CellValue,
  type EventTimeWatermarks,
  TwinflowError,
  type BatchRun,
  type BatchRunStatus,
  type ClickHouseDriver,
  type Clock,
  type Logger,
  type PageSelection,
  type PartialRow,
  type Pipeline,
  type Publication,
  type Scalar,
  type ReportRunRecord,
  type StreamDef,
  type ValueKind,
  type ViewDef,
  type WindowSelection,
} from '@twinflow/core'
import { BATCH_RUNS_TABLE, batchRunsSql } from '../sql/batch-runs-sql.ts'
import { REPORT_RUNS_TABLE, reportRunsSql } from '../sql/report-runs-sql.ts'
import { catalogSql } from '../sql/catalog-sql.ts'
import { LOADS_TABLE, loadsSql } from '../sql/loads-sql.ts'
import { LOAD_PARTITION_BASE, masterTableSql } from '../sql/master-table-sql.ts'
import { PUBLICATIONS_TABLE, publicationsSql } from '../sql/publications-sql.ts'
import { versionPageSql } from '../sql/version-page-sql.ts'
import { versionTableSql } from '../sql/version-table-sql.ts'
import type { ArchivedRecord, BatchLayerEngine, LoadFile, LoadState } from './batch-layer-engine.ts'
import { decodeInt64 } from './decode-int64.ts'

/** ClickHouse's TABLE_ALREADY_EXISTS (both drivers put the server's code in `context.clickhouseCode`). */
const TABLE_ALREADY_EXISTS = 57

const DEFAULT_VALUES: Record<ValueKind, Scalar> = { string: '', int: 0, float: 0, bool: 0, time: 0 }

type Row = Record<string, unknown>

/**
 * The BatchEngine on ClickHouse, over any ClickHouseDriver (a server or chdb): the SQL it sends
 * runs on ClickHouse 18.16 and on current releases.
 *
 * Lifecycle: the driver is connected (and later closed) by its owner; `start(pipeline)` creates
 * the tables that are missing and adds fields declared since; `stop()` forgets the pipeline.
 */
export class ClickHouseBatchEngine implements BatchLayerEngine {
  #pipeline: Pipeline | null = null
  #seq = 0
  readonly #fields = new WeakMap<StreamDef, { names: string[]; bools: boolean[]; defaults: Scalar[] }>()

  constructor(
    private readonly driver: ClickHouseDriver,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async start(pipeline: Pipeline): Promise<void> {
    for (const stream of pipeline.streams) {
      await this.driver.command(masterTableSql.create(stream))
      if (!(await this.#tableExists(masterTableSql.offsetsView(stream)))) {
        await this.driver.command(masterTableSql.createOffsetsView(stream))
        // Rows archived before the view existed: max is idempotent, so rows inserted meanwhile
        // (counted twice) change nothing.
        await this.driver.command(masterTableSql.seedOffsetsView(stream))
      }
      if (!(await this.#tableExists(masterTableSql.watermarkView(stream)))) {
        await this.driver.command(masterTableSql.createWatermarkView(stream))
        await this.driver.command(masterTableSql.seedWatermarkView(stream))
      }
      await this.#addNewFields(stream)
    }
    await this.driver.command(publicationsSql.create())
    await this.driver.command(batchRunsSql.create())
    await this.driver.command(loadsSql.create())
    await this.driver.command(reportRunsSql.create())
    this.#pipeline = pipeline
    this.logger.info('batch engine started', { driver: this.driver.name, streams: pipeline.streams.length, views: pipeline.views.length })
  }

  async stop(): Promise<void> {
    this.#pipeline = null
  }

  async ingest(streamName: string, records: readonly ArchivedRecord[]): Promise<void> {
    if (records.length === 0) return
    const stream = this.#stream(streamName)
    const { names, bools, defaults } = this.#fieldsOf(stream)
    const rows = new Array<Row>(records.length)
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!
      const row: Row = { _partition: record.partition, _offset: record.offset, _error: record.error ?? '' }
      if (record.error) {
        for (let i = 0; i < names.length; i++) row[names[i]!] = defaults[i]
      } else {
        for (let i = 0; i < names.length; i++) {
          const value = record.event[names[i]!]
          if (value === undefined) {
            throw new TwinflowError('validation', `event at partition ${record.partition} offset ${record.offset} of stream "${streamName}" has no field "${names[i]}"`)
          }
          row[names[i]!] = bools[i] && value !== null ? (value ? 1 : 0) : value
        }
      }
      rows[r] = row
    }
    await this.driver.insert(masterTableSql.table(stream), rows)
  }

  /** The stream's fields in column order, which are booleans (stored as 0/1), and the values of a rejected record. */
  #fieldsOf(stream: StreamDef): { names: string[]; bools: boolean[]; defaults: Scalar[] } {
    let found = this.#fields.get(stream)
    if (!found) {
      const fields = Object.entries(stream.fields)
      found = { names: fields.map(([name]) => name), bools: fields.map(([, type]) => type.kind === 'bool'), defaults: fields.map(([, type]) => DEFAULT_VALUES[type.kind]) }
      this.#fields.set(stream, found)
    }
    return found
  }

  async archivedOffsets(streamName: string, options: { lowerBound?: boolean } = {}): Promise<Map<number, number>> {
    const stream = this.#stream(streamName)
    const sql = options.lowerBound ? masterTableSql.archivedOffsetsLowerBound(stream) : masterTableSql.archivedOffsets(stream)
    const rows = await this.driver.query<{ p: unknown; o: unknown }>(sql)
    return new Map(rows.map((r) => [decodeInt64(r.p, 'partition'), decodeInt64(r.o, 'offset')]))
  }

  async eventTimeWatermarks(streamName: string): Promise<EventTimeWatermarks> {
    const rows = await this.driver.query<{ loaded: unknown; w: unknown }>(masterTableSql.watermarks(this.#stream(streamName)))
    const of = (loaded: boolean) => {
      const row = rows.find((r) => Number(r.loaded) === (loaded ? 1 : 0))
      return row ? decodeInt64(row.w, 'watermark') : null
    }
    return { log: of(false), loaded: of(true) }
  }

  async rejectedCount(streamName: string): Promise<number> {
    const [row] = await this.driver.query<{ n: unknown }>(masterTableSql.rejectedCount(this.#stream(streamName)))
    return row ? decodeInt64(row.n, 'count') : 0
  }

  async versions(viewName: string): Promise<number[]> {
    const view = this.#view(viewName)
    const rows = await this.driver.query<{ name: string }>(catalogSql.tablesLike(versionTableSql.prefix(view)))
    return rows
      .map((r) => versionTableSql.versionOf(view, r.name))
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b)
  }

  async buildVersion(viewName: string, version: number, cutoff: number): Promise<number> {
    const view = this.#view(viewName)
    checkVersion(version)
    checkCutoff(view, cutoff)
    const table = versionTableSql.table(view, version)
    // CREATE without IF NOT EXISTS: the statement itself tells that the version has a table.
    try {
      await this.driver.command(versionTableSql.create(view, version))
    } catch (error) {
      if (TwinflowError.is(error) && error.context.clickhouseCode === TABLE_ALREADY_EXISTS) {
        throw new TwinflowError('conflict', `version ${version} of view "${view.name}" already has a table (${table}); build a new version`, {
          cause: error,
          context: { view: view.name, version, table },
        })
      }
      throw error
    }
    try {
      await this.driver.command(versionTableSql.build(view, version, cutoff))
      const [counted] = await this.driver.query<{ n: unknown }>(versionTableSql.count(view, version))
      const rows = counted ? decodeInt64(counted.n, 'count') : 0
      this.logger.info('batch version built', { view: view.name, version, cutoff, rows })
      return rows
    } catch (error) {
      try {
        await this.driver.command(catalogSql.dropTable(table))
      } catch (dropError) {
        this.logger.error('could not drop a partially built version table; it will be dropped with old versions', { table, error: dropError })
      }
      throw error
    }
  }

  async publish(viewName: string, version: number, cutoff: number): Promise<Publication> {
    const view = this.#view(viewName)
    checkVersion(version)
    checkCutoff(view, cutoff)
    const table = versionTableSql.table(view, version)
    const [exists, current] = await Promise.all([this.#tableExists(table), this.currentPublication(view.name)])
    if (!exists) {
      throw new TwinflowError('validation', `version ${version} of view "${view.name}" has no table (${table}): build it before publishing`, {
        context: { view: view.name, version },
      })
    }
    if (current && version <= current.version) {
      throw new TwinflowError('conflict', `view "${view.name}" already serves version ${current.version}; version ${version} cannot be published`, {
        context: { view: view.name, version, current: current.version },
      })
    }
    if (current && cutoff < current.cutoff) {
      throw new TwinflowError(
        'validation',
        `view "${view.name}": cutoff ${cutoff} is before the served cutoff ${current.cutoff}; the speed layer may have dropped the windows between them`,
        { context: { view: view.name, version, cutoff, currentCutoff: current.cutoff } },
      )
    }
    const publication: Publication = { view: view.name, version, cutoff, publishedAt: this.clock.now() }
    await this.driver.insert(PUBLICATIONS_TABLE, [{ view: view.name, version, cutoff, published_at: publication.publishedAt }])
    this.logger.info('batch version published', { ...publication })
    return publication
  }

  async currentPublication(viewName: string): Promise<Publication | null> {
    const view = this.#view(viewName)
    const rows = await this.driver.query<Row>(publicationsSql.list(view.name, 1))
    return rows[0] ? decodePublication(rows[0]) : null
  }

  async publications(viewName: string, limit?: number): Promise<Publication[]> {
    const view = this.#view(viewName)
    if (limit !== undefined) checkLimit('publications', limit)
    return (await this.driver.query<Row>(publicationsSql.list(view.name, limit ?? null))).map(decodePublication)
  }

  async readWindows(viewName: string, version: number, from: number, to: number): Promise<PartialRow[]> {
    const view = this.#view(viewName)
    checkVersion(version)
    if (Number.isNaN(from) || Number.isNaN(to)) throw new TwinflowError('validation', 'readWindows: from and to must be numbers')
    const rows = await this.#readVersion(view, version, versionTableSql.readWindows(view, version, from, to))
    return rows.map((row) => decodeWindow(view, row))
  }

  async countRows(viewName: string, version: number, selection: WindowSelection): Promise<number> {
    const view = this.#view(viewName)
    checkVersion(version)
    const [row] = await this.#readVersion(view, version, versionPageSql.count(view, version, selection))
    return row ? decodeInt64(row.n, 'count') : 0
  }

  async readPage(viewName: string, version: number, page: PageSelection): Promise<PartialRow[]> {
    const view = this.#view(viewName)
    checkVersion(version)
    const rows = await this.#readVersion(view, version, versionPageSql.page(view, version, page))
    return rows.map((row) => decodeWindow(view, row))
  }

  /** A query of a version table; a failure on a version without a table is a `conflict` (dropped, or never built). */
  async #readVersion(view: ViewDef, version: number, sql: string): Promise<Row[]> {
    try {
      return await this.driver.query<Row>(sql)
    } catch (error) {
      const table = versionTableSql.table(view, version)
      if (!(await this.#tableExists(table))) {
        throw new TwinflowError('conflict', `version ${version} of view "${view.name}" does not exist (dropped or never built); read the current publication again`, {
          cause: error,
          context: { view: view.name, version },
        })
      }
      throw error
    }
  }

  async dropVersionsBefore(viewName: string, keepVersion: number): Promise<number[]> {
    const view = this.#view(viewName)
    const [current, versions] = await Promise.all([this.currentPublication(view.name), this.versions(view.name)])
    const dropped = versions.filter((version) => version < keepVersion && version !== current?.version)
    await this.dropVersions(view.name, dropped)
    return dropped
  }

  async dropVersions(viewName: string, versions: readonly number[]): Promise<void> {
    const view = this.#view(viewName)
    for (const version of versions) {
      checkVersion(version)
      await this.driver.command(catalogSql.dropTable(versionTableSql.table(view, version)))
    }
    if (versions.length > 0) this.logger.info('old batch versions dropped', { view: view.name, dropped: versions })
  }

  async recordRun(run: BatchRun): Promise<void> {
    await this.driver.insert(BATCH_RUNS_TABLE, [
      {
        run_id: run.runId,
        view: run.view,
        attempt: run.attempt,
        status: run.status,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        cutoff: run.cutoff,
        version: run.version,
        rows: run.rows,
        error: run.error,
        recorded_at: this.clock.now(),
        seq: ++this.#seq,
      },
    ])
  }

  async runs(viewName: string | null, limit: number): Promise<BatchRun[]> {
    const view = viewName === null ? null : this.#view(viewName).name
    checkLimit('runs', limit)
    const rows = await this.driver.query<Row>(batchRunsSql.latest(view, limit))
    return rows.map(decodeRun)
  }

  /**
   * The catalog's rules: the entries of a stream, oldest first, are read whole (one row per file
   * event: a small table). A partition is held by the file of its oldest entry. A file whose
   * entries hold a partition uses it (complete, or resumed after its highest stored row); else it
   * takes the first free number from 2^31 + the first 31 bits of its SHA-256, probing upwards
   * (wrapping within [2^31, 2^32)), writes a `started` entry, and reads the catalog again: if a file
   * took the same number at the same moment, the older entry holds it and the other file probes on.
   * Residual limit: entries are ordered by each process's clock, so two loads of different files
   * whose numbers collide, started within the clock skew of their machines, could both see
   * themselves as holders; the odds are those of a 31-bit collision between files loaded at once.
   */
  async beginLoad(streamName: string, file: LoadFile): Promise<LoadState> {
    const stream = this.#stream(streamName)
    if (!/^[0-9a-f]{64}$/.test(file.sha256)) throw new TwinflowError('validation', `beginLoad: sha256 must be 64 lowercase hex digits, got ${JSON.stringify(file.sha256)}`)
    for (let attempt = 0; attempt < 8; attempt++) {
      const entries = (await this.driver.query<Row>(loadsSql.entries(stream.name))).map(decodeLoadEntry)
      const holder = new Map<number, string>()
      for (const e of entries) if (!holder.has(e.partition)) holder.set(e.partition, e.sha256)
      const mine = entries.filter((e) => e.sha256 === file.sha256 && holder.get(e.partition) === file.sha256)
      const done = mine.find((e) => e.status === 'complete')
      if (done) return { partition: done.partition, complete: true, nextRow: done.rows, rows: done.rows, rejected: done.rejected }
      if (mine.length > 0) {
        const partition = mine[0]!.partition
        return { partition, complete: false, ...(await this.loadProgress(stream.name, partition)) }
      }
      let partition = LOAD_PARTITION_BASE + (Number.parseInt(file.sha256.slice(0, 8), 16) >>> 1)
      while (holder.has(partition)) partition = partition + 1 >= 2 ** 32 ? LOAD_PARTITION_BASE : partition + 1
      await this.driver.insert(LOADS_TABLE, [
        { stream: stream.name, sha256: file.sha256, path: file.path, bytes: file.bytes, partition, rows: 0, rejected: 0, status: 'started', at: this.clock.now() },
      ])
      this.logger.info('load catalogued', { stream: stream.name, sha256: file.sha256, path: file.path, partition })
    }
    throw new TwinflowError('conflict', `could not give ${file.path} a partition of stream "${stream.name}": other loads kept taking the same numbers; load it again`)
  }

  async loadProgress(streamName: string, partition: number): Promise<{ nextRow: number; rows: number; rejected: number }> {
    const [row] = await this.driver.query<{ n: unknown; o: unknown; r: unknown }>(masterTableSql.partitionEnd(this.#stream(streamName), partition))
    if (!row || decodeInt64(row.n, 'count') === 0) return { nextRow: 0, rows: 0, rejected: 0 }
    const nextRow = decodeInt64(row.o, 'offset') + 1
    return { nextRow, rows: nextRow, rejected: decodeInt64(row.r, 'count') }
  }

  async completeLoad(streamName: string, file: LoadFile, state: { partition: number; rows: number; rejected: number }): Promise<void> {
    const stream = this.#stream(streamName)
    await this.driver.insert(LOADS_TABLE, [
      {
        stream: stream.name,
        sha256: file.sha256,
        path: file.path,
        bytes: file.bytes,
        partition: state.partition,
        rows: state.rows,
        rejected: state.rejected,
        status: 'complete',
        at: this.clock.now(),
      },
    ])
  }

  async recordReportRun(run: ReportRunRecord): Promise<void> {
    await this.driver.insert(REPORT_RUNS_TABLE, [
      {
        run_id: run.runId,
        report: run.report,
        scheduled_at: run.scheduledAt,
        status: run.status,
        trigger: run.trigger,
        late: run.late ? 1 : 0,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        period_from: run.period?.from ?? null,
        period_to: run.period?.to ?? null,
        deliveries: JSON.stringify(run.deliveries),
        error: run.error,
        recorded_at: this.clock.now(),
        seq: ++this.#seq,
      },
    ])
  }

  async reportRun(runId: string): Promise<ReportRunRecord | null> {
    const [row] = await this.driver.query<Row>(reportRunsSql.one(runId))
    return row ? decodeReportRun(row) : null
  }

  async reportRuns(report: string | null, limit: number): Promise<ReportRunRecord[]> {
    checkLimit('reportRuns', limit)
    return (await this.driver.query<Row>(reportRunsSql.latest(report, limit))).map(decodeReportRun)
  }

  async #addNewFields(stream: StreamDef): Promise<void> {
    const table = masterTableSql.table(stream)
    const existing = new Map((await this.driver.query<{ name: string; type: string }>(catalogSql.columns(table))).map((c) => [c.name, c.type]))
    for (const column of masterTableSql.columns(stream)) {
      const type = existing.get(column.name)
      if (type === undefined) {
        await this.driver.command(masterTableSql.addColumn(stream, column))
        this.logger.warn('added a new field to the master table; events archived before read its default value', { table, column: column.name })
      } else if (type !== column.type) {
        throw new TwinflowError(
          'config',
          `column "${column.name}" of ${table} is ${type} but stream "${stream.name}" declares ${column.type}; declare a new field instead of changing its type`,
          { context: { table, column: column.name } },
        )
      }
    }
  }

  async #tableExists(table: string): Promise<boolean> {
    const [row] = await this.driver.query<{ n: unknown }>(catalogSql.tableExists(table))
    return row !== undefined && decodeInt64(row.n, 'count') > 0
  }

  #started(): Pipeline {
    if (this.#pipeline) return this.#pipeline
    throw new TwinflowError('internal', 'the batch engine is not started: call start(pipeline) first')
  }

  #stream(name: string): StreamDef {
    return this.#started().stream(name)
  }

  #view(name: string): ViewDef {
    return this.#started().view(name)
  }
}

function checkLimit(operation: string, limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TwinflowError('validation', `${operation}: limit must be a positive integer, got ${limit}`)
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1) throw new TwinflowError('validation', `version must be a positive integer, got ${version}`)
}

function checkCutoff(view: ViewDef, cutoff: number): void {
  if (!Number.isSafeInteger(cutoff) || cutoff < 0 || cutoff % view.windowMs !== 0) {
    throw new TwinflowError('validation', `cutoff ${cutoff} of view "${view.name}" must be a window start (a non-negative multiple of ${view.windowMs} ms)`)
  }
}

function decodePublication(row: Row): Publication {
  return {
    view: String(row.view),
    version: decodeInt64(row.version, 'tf_publications.version'),
    cutoff: decodeInt64(row.cutoff, 'tf_publications.cutoff'),
    publishedAt: decodeInt64(row.published_at, 'tf_publications.published_at'),
  }
}

function decodeWindow(view: ViewDef, row: Row): PartialRow {
  return {
    windowStart: decodeInt64(row._window_start, '_window_start'),
    keys: view.keys.map((k) => {
      const value = row[k.column]
      if (value === null && k.nullable) return null
      if (k.type === 'string') return String(value)
      if (k.type === 'bool') return value === 1 || value === '1' || value === true
      return decodeInt64(value, k.column)
    }),
    // A float cell that is inf or nan arrives as null (JSON has no literal for them); a Nullable
    // cell (a min or max over a nullable argument) is null where its group had no value: its identity.
    cells: view.cells.map((c): CellValue => {
      const value = row[c.column]
      if (c.spec.op === 'registers') return (value as unknown[]).map(Number)
      if (c.spec.op === 'buckets') return decodeBuckets(value, c.column)
      if (value === null && c.spec.nullable === true) return cellIdentity(c.spec.op)
      return c.spec.numeric === 'int' ? decodeInt64(value, c.column) : value === null ? NaN : Number(value)
    }),
  }
}

/** A quantile sketch's column, (keys, counts) with counts as 64-bit strings, as its flat list [key, count, ...]. */
function decodeBuckets(value: unknown, column: string): number[] {
  const [keys, counts] = value as [unknown[], unknown[]]
  const out = new Array<number>(keys.length * 2)
  keys.forEach((key, i) => {
    out[2 * i] = Number(key)
    out[2 * i + 1] = decodeInt64(counts[i], column)
  })
  return out
}

interface LoadEntry {
  sha256: string
  partition: number
  rows: number
  rejected: number
  status: string
}

function decodeLoadEntry(row: Row): LoadEntry {
  return {
    sha256: String(row.sha256),
    partition: decodeInt64(row.p, 'tf_loads.partition'),
    rows: decodeInt64(row.rows, 'tf_loads.rows'),
    rejected: decodeInt64(row.rejected, 'tf_loads.rejected'),
    status: String(row.s),
  }
}

function decodeReportRun(row: Row): ReportRunRecord {
  const int = (name: string) => decodeInt64(row[name], `tf_report_runs.${name}`)
  return {
    runId: String(row.run_id),
    report: String(row.report),
    scheduledAt: int('scheduled_at'),
    status: String(row.status) as ReportRunRecord['status'],
    trigger: String(row.trigger) as ReportRunRecord['trigger'],
    late: Number(row.late) === 1,
    startedAt: int('started_at'),
    finishedAt: int('finished_at'),
    period: row.period_from === null || row.period_to === null ? null : { from: int('period_from'), to: int('period_to') },
    deliveries: JSON.parse(String(row.deliveries)) as ReportRunRecord['deliveries'],
    error: row.error === null ? null : String(row.error),
  }
}

function decodeRun(row: Row): BatchRun {
  return {
    runId: String(row.run_id),
    view: String(row.view),
    attempt: decodeInt64(row.attempt, 'tf_batch_runs.attempt'),
    status: String(row.state) as BatchRunStatus,
    startedAt: decodeInt64(row.started_at, 'tf_batch_runs.started_at'),
    finishedAt: row.finished === null ? null : decodeInt64(row.finished, 'tf_batch_runs.finished_at'),
    cutoff: decodeInt64(row.cutoff, 'tf_batch_runs.cutoff'),
    version: decodeInt64(row.version, 'tf_batch_runs.version'),
    rows: decodeInt64(row.rows, 'tf_batch_runs.rows'),
    error: row.error === null ? null : String(row.error),
  }
}
