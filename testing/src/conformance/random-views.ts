import fc from 'fast-check'
import { avg, count, defineStream, defineView, lit, max, min, sum, t, type BoolExpr, type Expr, type Measure, type NumberExpr, type ViewDef, type WindowSize } from '@twinflow/core'

/*
 * Random view declarations and events for property tests, in a test-local expression language
 * with its own interpreter (the reference), translated to Twinflow's DSL for the code under test.
 * Values are small integers and dyadic floats so that sums are exact in any order and equalities
 * are frequent.
 */

export type Num =
  | { t: 'field'; name: string }
  | { t: 'lit'; v: number }
  | { t: 'arith'; op: 'add' | 'sub' | 'mul' | 'div'; l: Num; r: Num }
  | { t: 'half'; l: Num; by: 1 | 2 | 4 | 8 }
export type Bool =
  | { t: 'field'; name: string }
  | { t: 'cmp'; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; l: Num; r: Num }
  | { t: 'time'; op: 'lt' | 'ge'; offset: number }
  | { t: 'str'; op: 'eq' | 'ne'; field: 's' | 'e'; v: string }
  | { t: 'strIn'; field: 's' | 'e'; vs: string[] }
  | { t: 'numIn'; field: 'n' | 'm' | 'f'; vs: number[] }
  | { t: 'boolEq'; l: Bool; r: Bool }
  | { t: 'and' | 'or'; args: Bool[] }
  | { t: 'not'; a: Bool }
export type Key = { t: 'str'; field: 's' | 'e' } | { t: 'bool'; b: Bool } | { t: 'int'; n: Num } | { t: 'time' }
export type MeasureSpec = { kind: 'count' } | { kind: 'sum' | 'min' | 'max' | 'avg'; arg: Num }
export interface ViewSpecCase {
  derived: ({ name: string; num: Num } | { name: string; bool: Bool })[]
  where: Bool | null
  keys: Key[]
  measures: MeasureSpec[]
  window: WindowSize
}
export interface RandomEvent {
  s: string
  e: 'x' | 'y' | 'z'
  n: number
  m: number
  f: number
  g: number
  b: boolean
  c: boolean
  ts: number
}
type Row = Record<string, string | number | boolean>
type Fields = Record<string, Expr>

const T0 = Date.UTC(2026, 2, 1)
const WINDOW_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 }
// Code point order is not UTF-16 order: U+FB01 sorts before U+1F600 in UTF-8 bytes, after it in UTF-16 units.
const STRINGS = ['a', 'b', "o'k", 'back\\slash', 'ünï ✓', '', '\u{1F600}', '\uFB01']

interface Env {
  nums: string[]
  bools: string[]
  /** Allow division by any expression (per-row comparisons only: quotients are not dyadic). */
  anyDivision: boolean
}
const STREAM_ENV: Env = { nums: ['n', 'm', 'f', 'g'], bools: ['b', 'c'], anyDivision: false }

const dyadic = fc.integer({ min: -12, max: 12 }).map((k) => k / 8)

function numArb(depth: number, env: Env): fc.Arbitrary<Num> {
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...env.nums).map((name): Num => ({ t: 'field', name })) },
    { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -4, max: 4 }), dyadic).map((v): Num => ({ t: 'lit', v })) },
  )
  if (depth <= 0) return leaf
  const sub = numArb(depth - 1, env)
  const ops = env.anyDivision ? (['add', 'sub', 'mul', 'div'] as const) : (['add', 'sub', 'mul'] as const)
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('arith' as const), op: fc.constantFrom(...ops), l: sub, r: sub }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('half' as const), l: sub, by: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const) }) },
  )
}

function boolArb(depth: number, env: Env): fc.Arbitrary<Bool> {
  const num = numArb(1, env)
  const cmpOp = fc.constantFrom('eq' as const, 'ne' as const, 'lt' as const, 'le' as const, 'gt' as const, 'ge' as const)
  const leaf = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...env.bools).map((name): Bool => ({ t: 'field', name })) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('cmp' as const), op: cmpOp, l: num, r: num }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('time' as const), op: fc.constantFrom('lt' as const, 'ge' as const), offset: fc.integer({ min: 0, max: 360 }).map((k) => k * 60_000) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('str' as const), op: fc.constantFrom('eq' as const, 'ne' as const), field: fc.constant('s' as const), v: fc.constantFrom(...STRINGS) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('str' as const),
        op: fc.constantFrom('eq' as const, 'ne' as const),
        field: fc.constant('e' as const),
        v: fc.constantFrom('x', 'y', 'z'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('strIn' as const), field: fc.constant('s' as const), vs: fc.uniqueArray(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('numIn' as const),
        field: fc.constantFrom('n' as const, 'm' as const, 'f' as const),
        vs: fc.uniqueArray(fc.oneof(fc.integer({ min: -4, max: 4 }), dyadic), { minLength: 1, maxLength: 4 }),
      }),
    },
  )
  if (depth <= 0) return leaf
  const sub = boolArb(depth - 1, env)
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('boolEq' as const), l: sub, r: sub }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constantFrom('and' as const, 'or' as const), args: fc.array(sub, { minLength: 1, maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('not' as const), a: sub }) },
  )
}

function isIntegral(n: Num): boolean {
  if (n.t === 'field') return n.name === 'n' || n.name === 'm'
  if (n.t === 'lit') return Number.isInteger(n.v)
  return n.t === 'arith' && n.op !== 'div' && isIntegral(n.l) && isIntegral(n.r)
}

const viewSpec: fc.Arbitrary<ViewSpecCase> = fc
  .array(
    fc.oneof(
      numArb(2, STREAM_ENV).map((num) => ({ num })),
      boolArb(1, STREAM_ENV).map((bool) => ({ bool })),
    ),
    { maxLength: 2 },
  )
  .chain((bodies) => {
    const derived = bodies.map((d, i) => ({ name: `d${i}`, ...d }))
    const env: Env = {
      nums: [...STREAM_ENV.nums, ...derived.filter((d) => 'num' in d).map((d) => d.name)],
      bools: [...STREAM_ENV.bools, ...derived.filter((d) => 'bool' in d).map((d) => d.name)],
      anyDivision: false,
    }
    const key: fc.Arbitrary<Key> = fc.oneof(
      fc.constantFrom('s' as const, 'e' as const).map((field): Key => ({ t: 'str', field })),
      boolArb(1, env).map((b): Key => ({ t: 'bool', b })),
      fc.record({ t: fc.constant('int' as const), n: numArb(1, { nums: ['n', 'm'], bools: [], anyDivision: false }).filter(isIntegral) }),
      fc.constant<Key>({ t: 'time' }),
    )
    const measure: fc.Arbitrary<MeasureSpec> = fc.oneof(
      fc.constant<MeasureSpec>({ kind: 'count' }),
      fc.record({ kind: fc.constantFrom('sum' as const, 'min' as const, 'max' as const, 'avg' as const), arg: numArb(2, env) }),
    )
    return fc.record({
      derived: fc.constant(derived),
      where: fc.option(boolArb(2, env), { nil: null, freq: 5 }),
      keys: fc.array(key, { maxLength: 2 }),
      measures: fc.array(measure, { minLength: 1, maxLength: 4 }),
      window: fc.constantFrom<WindowSize>('1m', '5m', '15m', '1h'),
    })
  })

const event = (windowMs: number): fc.Arbitrary<RandomEvent> =>
  fc.record({
    s: fc.constantFrom(...STRINGS),
    e: fc.constantFrom('x' as const, 'y' as const, 'z' as const),
    n: fc.integer({ min: -4, max: 4 }),
    m: fc.integer({ min: 0, max: 3 }),
    f: dyadic,
    g: fc.integer({ min: -4, max: 4 }).map((k) => k / 4),
    b: fc.boolean(),
    c: fc.boolean(),
    ts: fc.integer({ min: 0, max: 6 * windowMs - 1 }).map((x) => T0 + x),
  })

// ---- the reference interpreter and reduce (no Twinflow code) ----
function num(n: Num, row: Row): number {
  switch (n.t) {
    case 'field':
      return row[n.name] as number
    case 'lit':
      return n.v
    case 'arith': {
      const l = num(n.l, row)
      const r = num(n.r, row)
      return n.op === 'add' ? l + r : n.op === 'sub' ? l - r : n.op === 'mul' ? l * r : l / r
    }
    case 'half':
      return num(n.l, row) / n.by
  }
}

function bool(b: Bool, row: Row): boolean {
  switch (b.t) {
    case 'field':
      return row[b.name] as boolean
    case 'cmp': {
      const l = num(b.l, row)
      const r = num(b.r, row)
      return { eq: l === r, ne: l !== r, lt: l < r, le: l <= r, gt: l > r, ge: l >= r }[b.op]
    }
    case 'time':
      return b.op === 'lt' ? (row.ts as number) < T0 + b.offset : (row.ts as number) >= T0 + b.offset
    case 'str':
      return b.op === 'eq' ? row[b.field] === b.v : row[b.field] !== b.v
    case 'strIn':
      return b.vs.includes(row[b.field] as string)
    case 'numIn':
      return b.vs.includes(row[b.field] as number)
    case 'boolEq':
      return bool(b.l, row) === bool(b.r, row)
    case 'and':
      return b.args.every((a) => bool(a, row))
    case 'or':
      return b.args.some((a) => bool(a, row))
    case 'not':
      return !bool(b.a, row)
  }
}

/** -0 and 0 are one value of a min/max (which one wins depends on order, in every engine). */
const zero = (x: number) => (Object.is(x, -0) ? 0 : x)

function reduce(spec: ViewSpecCase, events: readonly RandomEvent[], cutoff: number): Map<string, number[]> {
  const w = WINDOW_MS[spec.window]!
  const groups = new Map<string, number[][]>()
  for (const e of events) {
    if (e.ts >= cutoff) continue
    const row: Row = { ...e }
    for (const d of spec.derived) row[d.name] = 'num' in d ? num(d.num, row) : bool(d.bool, row)
    if (spec.where && !bool(spec.where, row)) continue
    const window = Math.floor(e.ts / w) * w
    const keys = spec.keys.map((k) => (k.t === 'str' ? row[k.field]! : k.t === 'bool' ? bool(k.b, row) : k.t === 'int' ? num(k.n, row) : e.ts))
    const id = JSON.stringify([window, ...keys])
    groups.set(id, [...(groups.get(id) ?? []), spec.measures.map((m) => (m.kind === 'count' ? 0 : num(m.arg, row)))])
  }
  const out = new Map<string, number[]>()
  for (const [id, rows] of groups) {
    const cells: number[] = []
    spec.measures.forEach((m, i) => {
      const values = rows.map((r) => r[i]!)
      const total = values.reduce((a, b) => a + b, 0)
      if (m.kind === 'count') cells.push(values.length)
      else if (m.kind === 'sum') cells.push(total)
      else if (m.kind === 'min') cells.push(values.reduce((a, b) => (b < a ? b : a)))
      else if (m.kind === 'max') cells.push(values.reduce((a, b) => (b > a ? b : a)))
      else cells.push(total, values.length)
    })
    out.set(id, cells.map(zero))
  }
  return out
}

// ---- translation to Twinflow's DSL ----
function numExpr(n: Num, e: Fields): NumberExpr {
  switch (n.t) {
    case 'field':
      return e[n.name] as NumberExpr
    case 'lit':
      return lit(n.v) as unknown as NumberExpr
    case 'arith':
      return numExpr(n.l, e)[n.op](numExpr(n.r, e))
    case 'half':
      return numExpr(n.l, e).div(n.by)
  }
}

function boolExpr(b: Bool, e: Fields): BoolExpr {
  switch (b.t) {
    case 'field':
      return e[b.name] as BoolExpr
    case 'cmp':
      return numExpr(b.l, e)[b.op](numExpr(b.r, e))
    case 'time':
      return (e.ts as NumberExpr)[b.op](T0 + b.offset)
    case 'str':
      return (e[b.field] as Expr<string>)[b.op](b.v)
    case 'strIn':
      return (e[b.field] as Expr<string>).in(b.vs)
    case 'numIn':
      return (e[b.field] as Expr<number>).in(b.vs)
    case 'boolEq':
      return boolExpr(b.l, e).eq(boolExpr(b.r, e))
    case 'and':
      return boolExpr(b.args[0]!, e).and(...b.args.slice(1).map((a) => boolExpr(a, e)))
    case 'or':
      return boolExpr(b.args[0]!, e).or(...b.args.slice(1).map((a) => boolExpr(a, e)))
    case 'not':
      return boolExpr(b.a, e).not()
  }
}

function stream(name: string) {
  return defineStream(name, {
    s: t.string(),
    e: t.enum(['x', 'y', 'z']),
    n: t.int64(),
    m: t.int64(),
    f: t.float64(),
    g: t.float64(),
    b: t.boolean(),
    c: t.boolean(),
    ts: t.eventTime(),
  })
}

function declare(name: string, spec: ViewSpecCase): ViewDef {
  return defineView(name, stream(`${name}_events`), {
    derive: (e) => Object.fromEntries(spec.derived.map((d) => [d.name, 'num' in d ? numExpr(d.num, e) : boolExpr(d.bool, e)])),
    where: spec.where ? (e) => boolExpr(spec.where!, e as Fields) : undefined,
    groupBy: (e) => {
      const f = e as Fields
      return Object.fromEntries(spec.keys.map((k, i) => [`k${i}`, k.t === 'str' ? f[k.field]! : k.t === 'bool' ? boolExpr(k.b, f) : k.t === 'int' ? numExpr(k.n, f) : f.ts!]))
    },
    window: spec.window,
    measures: (e) =>
      Object.fromEntries(
        spec.measures.map((m, i): [string, Measure<number>] => [`m${i}`, m.kind === 'count' ? count() : { sum, min, max, avg }[m.kind](numExpr(m.arg, e as Fields))]),
      ),
  })
}

/** Random views and events, their reference results, and their declaration in Twinflow's DSL. */
export const randomViews = {
  T0,
  stream,
  /** A view, events (10 to 60, over six windows), rejection reasons to archive too, and a cutoff. */
  viewCase: viewSpec.chain((spec) => {
    const w = WINDOW_MS[spec.window]!
    return fc.record({
      spec: fc.constant(spec),
      events: fc.array(event(w), { minLength: 10, maxLength: 60 }),
      rejected: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
      cutoff: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.integer({ min: 1, max: 6 }) }).map((j) => T0 + j * w),
    })
  }),
  /** A numeric or boolean expression over the stream's fields (division by anything allowed) and rows to evaluate it on. */
  exprCase: fc.record({
    expr: fc.oneof(
      numArb(3, { ...STREAM_ENV, anyDivision: true }).map((num) => ({ num })),
      boolArb(2, { ...STREAM_ENV, anyDivision: true }).map((bool) => ({ bool })),
    ),
    events: fc.array(event(3_600_000), { minLength: 1, maxLength: 40 }),
  }),
  reduce,
  evaluate: (expr: { num: Num } | { bool: Bool }, event: RandomEvent): number | boolean => ('num' in expr ? num(expr.num, { ...event }) : bool(expr.bool, { ...event })),
  declare,
  numExpr,
  boolExpr,
  zero,
}
