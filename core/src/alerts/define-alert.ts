import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Scalar } from '../schema/value-kind.ts'
import { formatDuration, parseDuration, type Duration } from '../time/duration.ts'
import type { ViewDef } from '../view/define-view.ts'

/** What a rule compares with its threshold. */
export type AlertCompare =
  /** The measure over the range. */
  | { kind: 'value' }
  /** The measure's change against the same range `vsMs` before: (now − before) / |before|. */
  | { kind: 'change'; vsMs: number }
  /** The measure's z-score against the `samples` ranges before: (now − mean) / standard deviation. */
  | { kind: 'zScore'; samples: number }

/** What `defineAlert` takes. Exactly one of `above` and `below`. */
export interface AlertSpec<M extends string = string> {
  /** Unique in the pipeline; what the config names (`alerts.rules`) and notifications carry. */
  name: string
  /** The measure of the view the condition is on. */
  measure: M
  /**
   * The trailing range evaluated: the windows of the last `range` up to the current one
   * (included, though it still fills), a whole number of the view's windows.
   */
  range: Duration
  /** `group`: one alert per group of the view's keys; `total`: one over all groups merged. @default 'group' */
  per?: 'group' | 'total'
  /** Only these groups: per key, a value or a list of values. */
  where?: Readonly<Record<string, Scalar | readonly Scalar[]>>
  /** The condition holds when the compared value is above this. */
  above?: number
  /** The condition holds when the compared value is below this. */
  below?: number
  /** Compare the change against the same range this long before ('1d', '1w'), as a ratio: 0.5 is +50 %, -0.3 is -30 %. */
  change?: Duration
  /** Compare the z-score against this many ranges just before (2 to 1000): how many standard deviations from their average. */
  zScore?: number
  /** How long the condition must hold before the alert fires (pending until then). @default 0 */
  for?: Duration
  /** While it fires, notify again this often. @default never */
  renotify?: Duration
}

/** A validated alert rule (see `defineAlert`). */
export interface AlertDef {
  readonly name: string
  readonly view: ViewDef
  readonly measure: string
  readonly rangeMs: number
  readonly per: 'group' | 'total'
  /** Per key: the allowed values. */
  readonly where: Readonly<Record<string, readonly Scalar[]>>
  readonly compare: AlertCompare
  readonly direction: 'above' | 'below'
  readonly threshold: number
  readonly forMs: number
  /** null: never re-notified. */
  readonly renotifyMs: number | null
  /** The condition in words, e.g. `revenueCents over the last 1h below 10000`. */
  readonly condition: string
}

/** The names of a view's measures. */
type MeasureName<V> = V extends ViewDef<infer _K, infer M> ? keyof M & string : string

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/
const KNOWN = ['name', 'measure', 'range', 'per', 'where', 'above', 'below', 'change', 'zScore', 'for', 'renotify']

/**
 * Declares an alert rule on a view: a condition over the view's merged answer (the batch version
 * below the cutoff, the speed layer from it on: what the API serves) for a trailing range, per group
 * or for the total, that must hold `for` a while before the alert fires, with re-notifications while
 * it fires. A rule with a mistake is a `config` error that says what to fix. Add it to the
 * pipeline's `alerts`; a deployment turns it on and routes it to channels in its config
 * (`alerts.rules`).
 */
// biome-ignore lint/suspicious/noExplicitAny: a view of any keys and measures (ViewDef is invariant in them)
export function defineAlert<V extends ViewDef<any, any>>(view: V, spec: AlertSpec<MeasureName<V>>): AlertDef {
  const name = typeof spec?.name === 'string' ? spec.name : ''
  const fail = (message: string): never => {
    throw new TwinflowError('config', `alert "${name}" on view "${view.name}": ${message}`)
  }
  if (!IDENT.test(name)) throw new TwinflowError('config', `an alert on view "${view.name}" needs a name that matches ${IDENT}, got ${JSON.stringify(spec?.name)}`)
  const unknown = Object.keys(spec).filter((k) => !KNOWN.includes(k))
  if (unknown.length > 0) fail(`unknown option "${unknown[0]}"; the options are: ${KNOWN.join(', ')}`)
  const measures = view.measures.map((m) => m.name)
  if (!measures.includes(spec.measure)) fail(`view "${view.name}" has no measure "${String(spec.measure)}"; its measures: ${measures.join(', ')}`)
  // A top-N ranks the groups of a rule: a sketch measure (distinct, quantiles) ranks nothing.
  const ranked = view.measures.filter((m) => m.measure.finalizeSql !== null).map((m) => m.name)
  if (!ranked.includes(spec.measure)) fail(`measure "${String(spec.measure)}" is a sketch, which an alert cannot rank groups by; alert on one of ${ranked.join(', ')}`)
  const windowText = formatDuration(view.windowMs)
  const wholeWindows = (option: string, value: unknown): number => {
    const ms = parseDuration(value, `alert "${name}": ${option}`)
    if (ms <= 0 || ms % view.windowMs !== 0) fail(`${option} must be a whole number of the view's ${windowText} windows, got ${JSON.stringify(value)}`)
    return ms
  }
  const rangeMs = wholeWindows('range', spec.range)
  const per = spec.per ?? 'group'
  if (per !== 'group' && per !== 'total') fail(`per must be "group" or "total", got ${JSON.stringify(per)}`)
  if ((spec.above === undefined) === (spec.below === undefined)) fail('give exactly one of "above" and "below" (the threshold)')
  const direction = spec.above !== undefined ? 'above' : 'below'
  const threshold = (spec.above ?? spec.below) as unknown
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) fail(`${direction} must be a finite number, got ${JSON.stringify(threshold)}`)
  if (spec.change !== undefined && spec.zScore !== undefined) fail('give at most one of "change" and "zScore"')
  let compare: AlertCompare = { kind: 'value' }
  if (spec.change !== undefined) compare = { kind: 'change', vsMs: wholeWindows('change', spec.change) }
  if (spec.zScore !== undefined) {
    if (!Number.isInteger(spec.zScore) || spec.zScore < 2 || spec.zScore > 1000)
      fail(`zScore is the number of ranges before to compare with, an integer from 2 to 1000; got ${JSON.stringify(spec.zScore)}`)
    compare = { kind: 'zScore', samples: spec.zScore }
  }
  const forMs = spec.for === undefined ? 0 : parseDuration(spec.for, `alert "${name}": for`)
  const renotifyMs = spec.renotify === undefined ? null : parseDuration(spec.renotify, `alert "${name}": renotify`)
  if (renotifyMs === 0) fail('renotify must be longer than 0 (leave it out to notify once per firing)')
  const where: Record<string, readonly Scalar[]> = {}
  for (const [key, raw] of Object.entries(spec.where ?? {})) {
    const def = view.keys.find((k) => k.name === key)
    if (!def) fail(`where: view "${view.name}" has no key "${key}"; its keys: ${view.keys.map((k) => k.name).join(', ') || 'none'}`)
    const values = (Array.isArray(raw) ? raw : [raw]) as Scalar[]
    const expected = def!.type === 'string' ? 'string' : def!.type === 'bool' ? 'boolean' : 'number'
    for (const value of values) if (typeof value !== expected) fail(`where.${key}: key "${key}" is a ${def!.type}; got ${JSON.stringify(value)}`)
    if (values.length === 0) fail(`where.${key}: give at least one value`)
    where[key] = values
  }
  const measure = spec.measure as string
  const over = `${measure} over the last ${formatDuration(rangeMs)}${per === 'total' ? ' (all groups)' : ''}`
  const subject =
    compare.kind === 'value'
      ? over
      : compare.kind === 'change'
        ? `the change of ${over} against ${formatDuration(compare.vsMs)} before`
        : `the z-score of ${over} against the ${compare.samples} ranges before`
  return {
    name,
    view: view as ViewDef,
    measure,
    rangeMs,
    per,
    where,
    compare,
    direction,
    threshold: threshold as number,
    forMs,
    renotifyMs,
    condition: `${subject} ${direction} ${threshold}${forMs > 0 ? ` for ${formatDuration(forMs)}` : ''}`,
  }
}
