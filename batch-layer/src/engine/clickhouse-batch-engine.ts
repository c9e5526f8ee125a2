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
  type PartialRow,
  type Pipeline,
  type Publication,
  type Scalar,
  type StreamDef,
  type ValueKind,
  type ViewDef,
} from '@twinflow/core'
import { BATCH_RUNS_TABLE, batchRunsSql } from '../sql/batch-runs-sql.ts'
import { catalogSql } from '../sql/catalog-sql.ts'
import { masterTableSql } from '../sql/master-table-sql.ts'
import { PUBLICATIONS_TABLE, publicationsSql } from '../sql/publications-sql.ts'
import { versionTableSql } from '../sql/version-table-sql.ts'
import type { ArchivedRecord, BatchLayerEngine } from './batch-layer-engine.ts'
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
    let rows: Row[]
    try {
      rows = await this.driver.query<Row>(versionTableSql.readWindows(view, version, from, to))
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
    return rows.map((row) => decodeWindow(view, row))
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
