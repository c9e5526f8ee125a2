import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Scalar } from '../schema/value-kind.ts'
import type { ViewDef } from '../view/define-view.ts'
import { parseWindowSize, windowMs, type WindowSize } from '../window/window-size.ts'
import { checkTimeZone } from './check-time-zone.ts'
import { parseReportRange, type RangeSpec, type ReportRange } from './report-range.ts'

/** Per key of the view: the value, or the values, its groups must have. */
export type ReportKeyFilter = Readonly<Record<string, Scalar | readonly Scalar[]>>

interface QueryBase {
  // biome-ignore lint/suspicious/noExplicitAny: a view of any keys and measures (ViewDef is invariant in them)
  view: ViewDef<any, any>
  /** The section's heading. @default from the view and the query */
  title?: string
  where?: ReportKeyFilter
}

/** A table of the view's groups totalled over the range and ranked by a measure (the API's `<view>Top`). */
export interface ReportTopQuery extends QueryBase {
  kind: 'top'
  by: string
  /** @default 'DESC' */
  direction?: 'ASC' | 'DESC'
  /** @default 10 */
  limit?: number
  /** The measure columns, in order. @default every measure */
  measures?: readonly string[]
}

/** A table of rows per bucket and group, in time order (the API's `<view>` series). */
export interface ReportSeriesQuery extends QueryBase {
  kind: 'series'
  /** @default the view's window */
  granularity?: WindowSize
  /** @default every measure */
  measures?: readonly string[]
  /** Most rows in the table. @default 100 */
  limit?: number
}

/** A chart (a PNG image) of one measure over the range, one line per group of the `splitBy` keys (the API's `<view>Split`). */
export interface ReportChartQuery extends QueryBase {
  kind: 'chart'
  measure: string
  /** @default the view's window */
  granularity?: WindowSize
  /** The keys whose groups get a line each; [] charts the total. @default [] */
  splitBy?: readonly string[]
  /** Groups with a line of their own; the others are merged into "other". @default 5 */
  top?: number
  /** @default 'line' */
  style?: 'line' | 'bar'
}

export type ReportQuery = ReportTopQuery | ReportSeriesQuery | ReportChartQuery

export interface ReportSpec {
  /** What the config, the CLI and the run records name the report by: letters, digits, `-` and `_`. */
  name: string
  /** The report's heading (the email's subject). @default the name */
  title?: string
  /** When it runs: a cron expression (5 fields, or 6 with seconds), read in `timeZone`. */
  cron: string
  /** The IANA time zone of the schedule and the range (`Asia/Jakarta`). @default 'UTC' */
  timeZone?: string
  /** The period each run covers, in `timeZone` (see ReportRange). */
  range: ReportRange
  /** The sections, in order: tables and charts of views. */
  views: readonly ReportQuery[]
  /**
   * Names of configured notification channels that receive it. The config's
   * `reports.<name>.channels` replaces this list; a report with none is not sent.
   * @default []
   */
  channels?: readonly string[]
}

/** A declared report, checked. */
export interface ReportDef {
  readonly name: string
  readonly title: string
  readonly cron: string
  readonly timeZone: string
  readonly range: ReportRange
  readonly rangeSpec: RangeSpec
  readonly views: readonly ResolvedReportQuery[]
  readonly channels: readonly string[]
}

/** A report query with its defaults filled in and its names checked against its view. */
export type ResolvedReportQuery =
  | (Omit<ReportTopQuery, 'view'> & { view: ViewDef; title: string; direction: 'ASC' | 'DESC'; limit: number; measures: readonly string[] })
  | (Omit<ReportSeriesQuery, 'view'> & { view: ViewDef; title: string; granularity: WindowSize; measures: readonly string[]; limit: number })
  | (Omit<ReportChartQuery, 'view'> & { view: ViewDef; title: string; granularity: WindowSize; splitBy: readonly string[]; top: number; style: 'line' | 'bar' })

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
/** Most rows a report table may have: a report is read by a person. */
export const MAX_REPORT_ROWS = 1000
/** Most lines a report chart may have. */
export const MAX_REPORT_CHART_LINES = 20

/** Declares a report: queries of views run on a schedule in a time zone and sent to channels. Throws a `config` error that says what to fix. */
export function defineReport(spec: ReportSpec): ReportDef {
  const fail = (message: string): never => {
    throw new TwinflowError('config', `report "${spec.name}": ${message}`)
  }
  if (typeof spec.name !== 'string' || !NAME.test(spec.name)) fail(`name must match ${NAME}`)
  if (typeof spec.cron !== 'string' || spec.cron.trim() === '') fail('cron must be a cron expression, e.g. "0 7 * * *" (07:00 every day)')
  let timeZone = 'UTC'
  let rangeSpec: RangeSpec = { unit: 'day', count: 1, offset: 0 }
  try {
    timeZone = checkTimeZone(spec.timeZone ?? 'UTC')
    rangeSpec = parseReportRange(spec.range)
  } catch (error) {
    fail((error as Error).message)
  }
  if (!Array.isArray(spec.views) || spec.views.length === 0) fail('views must list at least one query (a table or a chart of a view)')
  const views = spec.views.map((query, i) => resolveQuery(query, (message) => fail(`views[${i}]: ${message}`)))
  const channels = spec.channels ?? []
  for (const c of channels) if (typeof c !== 'string' || c === '') fail(`channels must be names of configured channels, got ${JSON.stringify(c)}`)
  return { name: spec.name, title: spec.title ?? spec.name, cron: spec.cron, timeZone, range: spec.range, rangeSpec, views, channels: [...new Set(channels)] }
}

function resolveQuery(query: ReportQuery, fail: (message: string) => never): ResolvedReportQuery {
  const view = query.view as ViewDef
  if (!view || !Array.isArray(view.measures)) fail('view must be a view declared with defineView')
  const measureNames = view.measures.map((m) => m.name)
  const keyNames = view.keys.map((k) => k.name)
  const measure = (name: string, what: string) => {
    if (!measureNames.includes(name)) fail(`view "${view.name}" has no measure "${name}" (${what}); its measures: ${measureNames.join(', ')}`)
    return name
  }
  // A sketch (distinct, quantiles) ranks nothing and charts nothing; quantile values (objects) fill no table cell.
  const ranking = (name: string, what: string) => {
    measure(name, what)
    if (view.measures.find((m) => m.name === name)!.measure.finalizeSql === null)
      fail(`measure "${name}" (${what}) of view "${view.name}" is a sketch, which ranks and charts nothing`)
    return name
  }
  const tabled = view.measures.filter((m) => m.measure.resultType !== 'quantiles').map((m) => m.name)
  const key = (name: string, what: string) => {
    if (!keyNames.includes(name)) fail(`view "${view.name}" has no key "${name}" (${what}); its keys: ${keyNames.join(', ') || 'none'}`)
    return name
  }
  const count = (name: string, value: number | undefined, fallback: number, max: number) => {
    const n = value ?? fallback
    if (!Number.isSafeInteger(n) || n < 1 || n > max) fail(`${name} must be an integer from 1 to ${max}, got ${value}`)
    return n
  }
  const granularity = (value: WindowSize | undefined): WindowSize => {
    let g: WindowSize = view.window
    try {
      g = parseWindowSize(value ?? view.window)
    } catch (error) {
      fail(`granularity: ${(error as Error).message}`)
    }
    if (windowMs(g) % view.windowMs !== 0) fail(`granularity "${g}" is finer than the window of view "${view.name}" (${view.window})`)
    return g
  }
  for (const k of Object.keys(query.where ?? {})) key(k, 'where')
  const measures = (list: readonly string[] | undefined) =>
    (list ?? tabled).map((m) => {
      measure(m, 'measures')
      if (!tabled.includes(m)) fail(`measure "${m}" (measures) of view "${view.name}" is quantiles, which has no single value for a table`)
      return m
    })
  const base = { view, where: query.where }
  switch (query.kind) {
    case 'top': {
      const by = ranking(query.by, 'by')
      if (query.direction !== undefined && query.direction !== 'ASC' && query.direction !== 'DESC') fail('direction must be "ASC" or "DESC"')
      const limit = count('limit', query.limit, 10, MAX_REPORT_ROWS)
      return {
        ...base,
        kind: 'top',
        by,
        direction: query.direction ?? 'DESC',
        limit,
        measures: measures(query.measures),
        title: query.title ?? `${view.name}: top ${limit} by ${by}`,
      }
    }
    case 'series':
      return {
        ...base,
        kind: 'series',
        granularity: granularity(query.granularity),
        measures: measures(query.measures),
        limit: count('limit', query.limit, 100, MAX_REPORT_ROWS),
        title: query.title ?? view.name,
      }
    case 'chart': {
      const splitBy = (query.splitBy ?? []).map((k) => key(k, 'splitBy'))
      if (query.style !== undefined && query.style !== 'line' && query.style !== 'bar') fail('style must be "line" or "bar"')
      return {
        ...base,
        kind: 'chart',
        measure: ranking(query.measure, 'measure'),
        granularity: granularity(query.granularity),
        splitBy,
        top: count('top', query.top, 5, MAX_REPORT_CHART_LINES),
        style: query.style ?? 'line',
        title: query.title ?? `${view.name}: ${query.measure}${splitBy.length > 0 ? ` by ${splitBy.join(', ')}` : ''}`,
      }
    }
    default:
      return fail(`kind must be "top", "series" or "chart", got ${JSON.stringify((query as { kind?: unknown }).kind)}`)
  }
}
