import { TwinflowError } from '../errors/twinflow-error.ts'
import { and, BoolExpr, Expr, inSample, wrap } from '../expr/expr.ts'
import type { ExprNode } from '../expr/expr-node.ts'
import type { CellSpec } from '../measures/cell.ts'
import type { Measure } from '../measures/measure.ts'
import type { StreamDef, StreamFields } from '../schema/define-stream.ts'
import type { Scalar, ValueKind } from '../schema/value-kind.ts'
import { parseWindowSize, windowMs, type WindowSize } from '../window/window-size.ts'
import { exprRow, type ExprRow } from './expr-row.ts'

type Exprs = Record<string, Expr>
// biome-ignore lint/suspicious/noExplicitAny: measures of any result type (quantiles answer objects)
type Measures = Record<string, Measure<any>>

export interface ViewSpec<F extends StreamFields, D extends Exprs, K extends Exprs, M extends Measures> {
  /** Derived fields, computed from the event before filtering and grouping. */
  derive?: (e: ExprRow<F>) => D
  /** Keeps the events for which this is true (not false, not null). */
  where?: (e: ExprRow<F> & D) => BoolExpr<boolean | null>
  /** Group-by keys, by output name. May be empty (one group per window). */
  groupBy: (e: ExprRow<F> & D) => K
  /** Tumbling window on the stream's event time, UTC. */
  window: WindowSize
  measures: (e: ExprRow<F> & D) => M
  /**
   * How late an event may arrive and still be counted by the batch run of its window. The batch
   * cutoff is the window start at or before `now - allowedLatenessMs`. @default 5 minutes
   */
  allowedLatenessMs?: number
  /**
   * Counts a deterministic sample of about `rate` of the values of `by` (e.g. users): every event
   * of a sampled value, none of the others (see inSample; an event whose `by` is null is left
   * out). The batch layer and the speed layer keep the same events; answers give the rate.
   */
  sample?: { rate: number; by: (e: ExprRow<F> & D) => Expr }
}

/** A view's sample: its rate, and the expression whose values are sampled. */
export interface ViewSample {
  readonly rate: number
  readonly by: ExprNode
}

export interface ViewKey {
  readonly name: string
  readonly node: ExprNode
  readonly type: ValueKind
  /** Whether the key can be null (an expression over an optional field): null is a group of its own, as in SQL's GROUP BY. */
  readonly nullable: boolean
  /** Column name in ClickHouse (`_k_<name>`: stream fields cannot start with `_`, so it never collides). */
  readonly column: string
}

export interface ViewMeasure {
  readonly name: string
  // biome-ignore lint/suspicious/noExplicitAny: a measure of any result type
  readonly measure: Measure<any>
  /** Index of this measure's first cell in the view's cell list. */
  readonly firstCell: number
}

export interface ViewCell {
  readonly measure: string
  readonly spec: CellSpec
  /** Column name in ClickHouse and hash field in Redis: `_m_<measure>_<cell>`. */
  readonly column: string
}

/** A resolved, analyzable view declaration. `K` and `M` carry the key and measure types. */
// biome-ignore lint/suspicious/noExplicitAny: measures of any result type
export interface ViewDef<K extends Exprs = Exprs, M extends Measures = Record<string, Measure<any>>> {
  readonly name: string
  readonly stream: StreamDef
  readonly derived: readonly { readonly name: string; readonly node: ExprNode }[]
  readonly where: ExprNode | null
  readonly keys: readonly ViewKey[]
  readonly measures: readonly ViewMeasure[]
  readonly cells: readonly ViewCell[]
  readonly window: WindowSize
  readonly windowMs: number
  readonly allowedLatenessMs: number
  /** The view's sample, or null when it counts every event (its filter is part of `where`). */
  readonly sample: ViewSample | null
  /** Phantoms, for type inference only. */
  readonly __keys?: K
  readonly __measures?: M
}

type ValueOf<E> = E extends Expr<infer T> ? T : never

/** The type of one answer row of a view. */
export type ViewRow<V> =
  V extends ViewDef<infer K, infer M> ? { windowStart: number } & { [k in keyof K]: ValueOf<K[k]> } & { [m in keyof M]: M[m] extends Measure<infer R> ? R : never } : never

/** Key values of a view row, in the view's key order. */
export type KeyTuple = readonly (Scalar | null)[]

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/
const RESERVED = new Set(['windowStart', 'cutoff', 'version'])

/** Declares a view over a stream. Throws a `config` error that says what to fix. */
// biome-ignore lint/complexity/noBannedTypes: `{}` is "no derived fields", what inference starts from
export function defineView<F extends StreamFields, D extends Exprs = {}, K extends Exprs = Exprs, M extends Measures = Measures>(
  name: string,
  stream: StreamDef<F>,
  spec: ViewSpec<F, D, K, M>,
): ViewDef<K, M> {
  const fail = (message: string): never => {
    throw new TwinflowError('config', `view "${name}": ${message}`)
  }
  if (!IDENT.test(name)) fail(`name must match ${IDENT}`)
  const window = parseWindowSize(spec.window)
  const base = exprRow(stream.fields)
  const derivedExprs = spec.derive ? spec.derive(base) : ({} as D)
  const derived = Object.entries(derivedExprs).map(([n, e]) => {
    if (!IDENT.test(n)) fail(`derived field "${n}" must match ${IDENT}`)
    if (n in stream.fields) fail(`derived field "${n}" shadows a field of stream "${stream.name}"`)
    if (!(e instanceof Expr)) fail(`derived field "${n}" must be an expression`)
    return { name: n, node: e.node }
  })
  // Derived fields are referenced by name: JS computes each once per event; the batch SQL writes
  // each out where it is used (ClickHouse computes a repeated expression once).
  const row = { ...base } as Record<string, Expr>
  for (const d of derived)
    row[d.name] = wrap(d.node.nullable === true ? { op: 'field', type: d.node.type, name: d.name, nullable: true } : { op: 'field', type: d.node.type, name: d.name })
  const full = row as ExprRow<F> & D

  let where: ExprNode | null = null
  if (spec.where) {
    const w = spec.where(full)
    if (!(w instanceof BoolExpr)) fail('where must return a boolean expression (e.g. e.status.eq("paid"))')
    where = w.node
  }
  let sample: ViewSample | null = null
  if (spec.sample) {
    const by = spec.sample.by(full)
    if (!(by instanceof Expr)) fail('sample.by must return an expression (e.g. e.userId)')
    let kept: BoolExpr<boolean | null>
    try {
      kept = inSample(by, spec.sample.rate)
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error))
    }
    sample = { rate: spec.sample.rate, by: by.node }
    where = where ? and(wrap(where) as BoolExpr<boolean | null>, kept).node : kept.node
  }
  const names = new Set<string>()
  const claim = (n: string, what: string) => {
    if (!IDENT.test(n)) fail(`${what} "${n}" must match ${IDENT}`)
    if (RESERVED.has(n)) fail(`${what} "${n}" is a reserved name`)
    if (names.has(n)) fail(`"${n}" is used twice among keys and measures`)
    names.add(n)
  }
  const keys = Object.entries(spec.groupBy(full)).map(([n, e]): ViewKey => {
    claim(n, 'key')
    if (!(e instanceof Expr)) fail(`key "${n}" must be an expression`)
    if (e.node.type === 'float') fail(`key "${n}" is a float; group by strings, integers, booleans or times`)
    return { name: n, node: e.node, type: e.node.type, nullable: e.node.nullable === true, column: `_k_${n}` }
  })
  const measures: ViewMeasure[] = []
  const cells: ViewCell[] = []
  for (const [n, m] of Object.entries(spec.measures(full))) {
    claim(n, 'measure')
    if (!m || !Array.isArray((m as Measure).cells)) fail(`measure "${n}" must be count(), sum(), min(), max(), avg(), distinct() or quantiles()`)
    measures.push({ name: n, measure: m, firstCell: cells.length })
    for (const c of m.cells) cells.push({ measure: n, spec: c, column: `_m_${n}_${c.name}` })
  }
  if (measures.length === 0) fail('needs at least one measure')
  const allowedLatenessMs = spec.allowedLatenessMs ?? 5 * 60_000
  if (!Number.isSafeInteger(allowedLatenessMs) || allowedLatenessMs < 0) fail('allowedLatenessMs must be a non-negative integer')
  return {
    name,
    stream: stream as unknown as StreamDef,
    derived,
    where,
    keys,
    measures,
    cells,
    window,
    windowMs: windowMs(window),
    allowedLatenessMs,
    sample,
  }
}
