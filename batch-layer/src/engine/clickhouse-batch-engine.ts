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
  type ViewDef,
  type WindowSelection,
} from '@twinflow/core'
import { BATCH_RUNS_TABLE, batchRunsSql } from '../sql/batch-runs-sql.ts'
import { REPORT_RUNS_TABLE, reportRunsSql } from '../sql/report-runs-sql.ts'
import { catalogSql } from '../sql/catalog-sql.ts'
import { ledgerSql } from '../sql/ledger-sql.ts'
import { LOADS_TABLE, loadsSql } from '../sql/loads-sql.ts'
import { LOAD_PARTITION_BASE, masterTableSql, REJECTED_FIELD_VALUES } from '../sql/master-table-sql.ts'
import { masterTsv } from '../sql/master-tsv.ts'
import type { OffsetBlock } from '../sql/offset-block.ts'
import { PUBLICATIONS_TABLE, publicationsSql } from '../sql/publications-sql.ts'
import { versionPageSql } from '../sql/version-page-sql.ts'
import { versionTableSql } from '../sql/version-table-sql.ts'
import type { ArchivedRecord, BatchLayerEngine, LoadFile, LoadState } from './batch-layer-engine.ts'
import { decodeInt64 } from './decode-int64.ts'
import type { DuplicateCheck, MasterTableState } from './master-table-state.ts'

/** ClickHouse's TABLE_ALREADY_EXISTS (both drivers put the server's code in `context.clickhouseCode`). */
const TABLE_ALREADY_EXISTS = 57

/**
 * Delays before each new read of a ledger whose read was not trusted, before the master table
 * itself is checked instead: a read is not trusted while an insert is between the table and the
 * ledger (milliseconds, more on a busy server), so it is read again first.
 */
const LEDGER_REREADS_MS = [25, 50, 100, 200]
/** Builds of a version at most, each after a block read as clean got a duplicate during the one before. */
const BUILDS = 3

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
  /** Per stream, the blocks found suspect so far: a block that holds a record twice keeps it (rows are only ever added). */
  readonly #suspectsSeen = new Map<string, OffsetBlock[]>()
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
      await this.#createLedger(stream)
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

  async ingestTsv(streamName: string, text: Uint8Array): Promise<void> {
    const stream = this.#stream(streamName)
    await this.driver.insertTsv(masterTableSql.table(stream), masterTsv.columns(stream), text)
  }

  /** The stream's fields in column order, which are booleans (stored as 0/1), and the values of a rejected record. */
  #fieldsOf(stream: StreamDef): { names: string[]; bools: boolean[]; defaults: Scalar[] } {
    let found = this.#fields.get(stream)
    if (!found) {
      const fields = Object.entries(stream.fields)
      found = { names: fields.map(([name]) => name), bools: fields.map(([, type]) => type.kind === 'bool'), defaults: fields.map(([, type]) => REJECTED_FIELD_VALUES[type.kind]) }
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
    const rows = await this.driver.query<{ loaded: unknown; w: unknown; a: unknown }>(ledgerSql.watermarks(this.#stream(streamName)))
    const of = (loaded: boolean) => {
      const row = rows.find((r) => Number(r.loaded) === (loaded ? 1 : 0))
      return row ? watermark(row.w, row.a) : null
    }
    return { log: of(false), loaded: of(true) }
  }

  async masterTableState(streamName: string): Promise<MasterTableState> {
    return this.#readLedger(this.#stream(streamName))
  }

  async #readLedger(stream: StreamDef): Promise<MasterTableState> {
    const [row] = await this.driver.query<{ ledger: unknown; total: unknown }>(ledgerSql.check(stream))
    const ledger = row?.ledger
    if (!Array.isArray(ledger) || ledger.length !== 7 || !Array.isArray(ledger[1]) || !Array.isArray(ledger[2]) || ledger[1].length !== ledger[2].length) {
      throw new TwinflowError('internal', `the ledger of stream "${stream.name}" answered ${JSON.stringify(row)}`)
    }
    const [rows, partitions, blocks, logW, logA, loadedW, loadedA] = ledger as [unknown, unknown[], unknown[], unknown, unknown, unknown, unknown]
    return {
      watermarks: { log: watermark(logW, logA), loaded: watermark(loadedW, loadedA) },
      duplicates: {
        exact: decodeInt64(rows, 'ledger rows') === decodeInt64(row!.total, 'master table rows'),
        suspects: partitions.map((p, i) => ({ partition: decodeInt64(p, 'ledger partition'), block: decodeInt64(blocks[i], 'ledger block') })),
      },
    }
  }

  /**
   * Every block that holds a record twice now, exactly: the suspects of a trusted read of the ledger
   * (read again while an insert is in flight), else those of the master table itself, from a scan of
   * two of its columns. Remembered for the next builds.
   */
  async #verifiedSuspects(stream: StreamDef): Promise<OffsetBlock[]> {
    let suspects: OffsetBlock[] | null = null
    for (let read = 0; suspects === null; read++) {
      const check = (await this.#readLedger(stream)).duplicates
      if (check.exact) suspects = check.suspects
      else if (read < LEDGER_REREADS_MS.length) await this.clock.sleep(LEDGER_REREADS_MS[read]!)
      else break
    }
    if (suspects === null) {
      this.logger.warn("the ledger does not hold exactly the master table's rows: the suspect blocks are read from the table", { stream: stream.name })
      const rows = await this.driver.query<{ p: unknown; b: unknown }>(ledgerSql.suspectsOfTable(stream))
      suspects = rows.map((r) => ({ partition: decodeInt64(r.p, 'partition'), block: decodeInt64(r.b, 'block') }))
    }
    this.#suspectsSeen.set(stream.name, union(this.#suspectsSeen.get(stream.name) ?? [], suspects))
    return suspects
  }

  /**
   * Creates the stream's ledger and seeds it with the rows archived before it existed, counting none
   * twice: once the view exists (it gets every insert from then on), the table's highest offset per
   * partition is read, then the ledger's lowest; a partition's rows below the ledger's lowest offset,
   * or up to the table's highest where the ledger has none, were inserted before the view (a
   * partition's inserts come in offset order). Of processes creating it at once, the one whose CREATE
   * succeeds seeds it. A zombie insert meanwhile, or a crash before the seed, leaves it unequal to the
   * table: its reads are then not trusted (see ledgerSql.check), which costs scans, not answers.
   */
  async #createLedger(stream: StreamDef): Promise<void> {
    const ledger = ledgerSql.view(stream)
    if (await this.#tableExists(ledger)) return
    try {
      await this.driver.command(ledgerSql.create(stream))
    } catch (error) {
      if (TwinflowError.is(error) && error.context.clickhouseCode === TABLE_ALREADY_EXISTS) return
      throw error
    }
    const highest = await this.driver.query<{ p: unknown; o: unknown }>(masterTableSql.archivedOffsets(stream))
    const lowest = new Map(
      (await this.driver.query<{ p: unknown; lo: unknown }>(ledgerSql.lowestOffsets(stream))).map((r) => [decodeInt64(r.p, 'partition'), decodeInt64(r.lo, 'offset')]),
    )
    const below = new Map(highest.map((r) => [decodeInt64(r.p, 'partition'), decodeInt64(r.o, 'offset') + 1]))
    for (const [partition, offset] of lowest) if (below.has(partition)) below.set(partition, offset)
    const seed = ledgerSql.seed(stream, below)
    if (seed) await this.driver.command(seed)
    // The ledger carries the watermark, which a view of its own kept before it.
    await this.driver.command(catalogSql.dropTable(masterTableSql.replacedWatermarkView(stream)))
    this.logger.info('ledger of the master table created', { stream: stream.name, seededBelow: Object.fromEntries(below) })
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

  async buildVersion(viewName: string, version: number, cutoff: number, duplicates?: DuplicateCheck): Promise<number> {
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
      // Before the build, a hint: the suspects of the run's read of the ledger (or one read now),
      // trusted or not, and those found before. Whatever it misses, the check after the build finds.
      const hint = duplicates ?? (await this.#readLedger(view.stream)).duplicates
      let deduplicate = union(this.#suspectsSeen.get(view.stream.name) ?? [], hint.suspects)
      for (let build = 1; ; build++) {
        await this.driver.command(versionTableSql.build(view, version, cutoff, deduplicate))
        // Rows are only ever added to the master table: a block without a duplicate after the build
        // had none when the build read it. So an exact check now that finds no suspect the build did
        // not deduplicate proves that it counted every record once.
        const [[counted], after] = await Promise.all([this.driver.query<{ n: unknown }>(versionTableSql.count(view, version)), this.#verifiedSuspects(view.stream)])
        const missed = after.filter((b) => !deduplicate.some((d) => d.partition === b.partition && d.block === b.block))
        if (missed.length === 0) {
          const rows = counted ? decodeInt64(counted.n, 'count') : 0
          this.logger.info('batch version built', { view: view.name, version, cutoff, rows, ...(deduplicate.length > 0 ? { deduplicated: deduplicate } : {}) })
          return rows
        }
        if (build >= BUILDS) {
          throw new TwinflowError('unavailable', `view "${view.name}": blocks of the master table kept getting duplicates during ${BUILDS} builds of version ${version}`, {
            context: { view: view.name, version, missed },
          })
        }
        this.logger.warn('a block of the master table got a duplicate during the build (a zombie insert): building again with it deduplicated', {
          view: view.name,
          version,
          missed,
        })
        deduplicate = union(deduplicate, missed)
        await this.driver.command(versionTableSql.truncate(view, version))
      }
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

/** The blocks of both lists, each once, in order. */
function union(a: readonly OffsetBlock[], b: readonly OffsetBlock[]): OffsetBlock[] {
  const out = [...a]
  for (const block of b) if (!out.some((o) => o.partition === block.partition && o.block === block.block)) out.push(block)
  return out
}

/** A watermark read as a max over accepted rows and their count: null when there are none. */
function watermark(max: unknown, accepted: unknown): number | null {
  return decodeInt64(accepted, 'accepted rows') > 0 ? decodeInt64(max, 'watermark') : null
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
