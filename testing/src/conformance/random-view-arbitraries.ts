import fc from 'fast-check'
import type { WindowSize } from '@twinflow/core'
import { ZONES, type Bool, type Key, type MeasureSpec, type Num, type RandomEvent, type RawEvent, type Str, type ViewSpecCase } from './random-view-ast.ts'
import { boolNullable, derivedName, isFloat, numNullable, strNullable } from './reference-interpreter.ts'

/*
 * Random view declarations and events for the property tests. Values are small integers and
 * dyadic floats so that sums are exact in any order and equalities are frequent; strings cover the
 * edge cases of the string functions (empty, padding, ASCII and non-ASCII letters, emoji, digits);
 * times sit around daylight-saving changes, midnights and a new year.
 */

export const WINDOW_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 }
// Code point order is not UTF-16 order: U+FFFD sorts before U+1F600 in UTF-8 bytes, after it in UTF-16 units.
export const STRINGS = ['a', 'b', "o'k", 'back\\slash', 'ünï ✓', '', ' padded\t', 'MiXeD Case', '😀x', 'x😀y😀', '-12', '007', '3.5', 'ABC def', '\nline', '\uFFFD']
const PARTS = ['a', ' ', '😀', 'ü', 'MiX', 'x😀']
const REPLACEMENTS = ['', 'X', '✓✓']

/** Window-aligned starts of the views' six windows: daylight-saving days (Europe, US), a US midnight, a new year, a plain day. */
export const VIEW_STARTS = [Date.UTC(2026, 2, 29), Date.UTC(2026, 9, 25), Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 11, 31, 20), Date.UTC(2026, 2, 1)]
/** Instants the row-by-row cases put times around (± 3 h): daylight-saving changes of each tested zone, a new year, a midnight in India. */
const INSTANTS = [
  Date.UTC(2026, 2, 29, 1),
  Date.UTC(2026, 9, 25, 1),
  Date.UTC(2026, 2, 8, 7),
  Date.UTC(2026, 10, 1, 6),
  Date.UTC(2026, 3, 4, 16, 30),
  Date.UTC(2026, 9, 3, 16, 30),
  Date.UTC(2026, 11, 31, 23),
  Date.UTC(2026, 5, 30, 18, 30),
]

interface Env {
  /** Numeric fields: name, float or not. */
  nums: { name: string; float: boolean }[]
  strs: string[]
  bools: string[]
  /** Divisions by any expression and rounding to decimals (per-row comparisons only: quotients are not dyadic). */
  anyDivision: boolean
  /** The first window's start: where the time filters' instants are. */
  t0: number
}

const STREAM_ENV: Omit<Env, 't0'> = {
  nums: [
    { name: 'n', float: false },
    { name: 'm', float: false },
    { name: 'f', float: true },
    { name: 'g', float: true },
    { name: 'p', float: false },
    { name: 'q', float: true },
    { name: 'd', float: false },
  ],
  strs: ['s', 'e', 'u'],
  bools: ['b', 'c', 'o'],
  anyDivision: false,
}

const dyadic = fc.integer({ min: -12, max: 12 }).map((k) => k / 8)
const smallInt = fc.integer({ min: -4, max: 4 })

function numArb(depth: number, env: Env, integral = false): fc.Arbitrary<Num> {
  const fields = env.nums.filter((f) => !integral || !f.float)
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...fields.map((f) => f.name)).map((name): Num => ({ t: 'field', name })) },
    { weight: 1, arbitrary: (integral ? smallInt : fc.oneof(smallInt, dyadic)).map((v): Num => ({ t: 'lit', v })) },
  )
  if (depth <= 0) return leaf
  const sub = numArb(depth - 1, env, integral)
  const anySub = numArb(depth - 1, env)
  const ints = numArb(depth - 1, env, true)
  const ops = env.anyDivision && !integral ? (['add', 'sub', 'mul', 'div'] as const) : (['add', 'sub', 'mul'] as const)
  const composite: fc.WeightedArbitrary<Num>[] = [
    // Division by the constant 0 is refused when the view is declared: a variable divisor makes it null where it is 0.
    {
      weight: 4,
      arbitrary: fc
        .record({ t: fc.constant('arith' as const), op: fc.constantFrom(...ops), l: sub, r: sub })
        .map((n): Num => (n.op === 'div' && n.r.t === 'lit' && n.r.v === 0 ? { ...n, r: { t: 'lit', v: 3 } } : n)),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ t: fc.constant('unary' as const), fn: fc.constantFrom('abs' as const, 'floor' as const, 'ceil' as const), a: anySub })
        .filter((n) => !integral || !isFloat(n)),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ t: fc.constant('round' as const), a: anySub, digits: env.anyDivision ? fc.constantFrom(0, 1, 2, -1) : fc.constant(0) })
        .filter((n) => !integral || !isFloat(n)),
    },
    // A constant divisor 0 is refused when the view is declared (always null): a variable one is null where it is 0.
    { weight: 1, arbitrary: fc.record({ t: fc.constant('mod' as const), l: ints, r: ints.map((r): Num => (r.t === 'lit' && r.v === 0 ? { t: 'lit', v: 3 } : r)) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('minMax' as const), fn: fc.constantFrom('least' as const, 'greatest' as const), l: sub, r: sub }) },
    { weight: 1, arbitrary: anySub.filter(isFloat).map((a): Num => ({ t: 'toInt', a })) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('if' as const), c: boolArb(0, env), l: sub, r: fc.option(sub, { nil: null, freq: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('coalesce' as const), l: sub, r: sub }) },
    { weight: 1, arbitrary: strArb(depth - 1, env).map((s): Num => ({ t: 'length', s })) },
    { weight: 1, arbitrary: strArb(depth - 1, env).map((s): Num => ({ t: 'parseInt', s })) },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('timePart' as const),
        part: fc.constantFrom('hour' as const, 'dayOfWeek' as const, 'month' as const, 'year' as const),
        zone: fc.constantFrom(...ZONES),
      }),
    },
  ]
  if (!integral)
    composite.push({ weight: 1, arbitrary: fc.record({ t: fc.constant('half' as const), l: sub, by: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const) }) })
  if (!integral) composite.push({ weight: 1, arbitrary: sub.map((a): Num => ({ t: 'unary', fn: 'toFloat', a })) })
  return fc.oneof({ weight: 4, arbitrary: leaf }, ...composite)
}

function strArb(depth: number, env: Env): fc.Arbitrary<Str> {
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...env.strs).map((name): Str => ({ t: 'field', name })) },
    { weight: 1, arbitrary: fc.constantFrom(...STRINGS).map((v): Str => ({ t: 'lit', v })) },
  )
  if (depth <= 0) return leaf
  const sub = strArb(depth - 1, env)
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('case' as const), fn: fc.constantFrom('lower' as const, 'upper' as const, 'trim' as const), a: sub }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('substring' as const), a: sub, start: fc.integer({ min: -4, max: 4 }), len: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('concat' as const), a: sub, b: sub }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('replace' as const), a: sub, from: fc.constantFrom(...PARTS), to: fc.constantFrom(...REPLACEMENTS) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('if' as const), c: boolArb(0, env), l: sub, r: fc.option(sub, { nil: null, freq: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('coalesce' as const), l: sub, r: sub }) },
    { weight: 1, arbitrary: numArb(depth - 1, env, true).map((n): Str => ({ t: 'intStr', n })) },
    { weight: 1, arbitrary: boolArb(0, env).map((b): Str => ({ t: 'boolStr', b })) },
  )
}

function boolArb(depth: number, env: Env): fc.Arbitrary<Bool> {
  const num = numArb(Math.min(depth, 1), env)
  const str = strArb(Math.min(depth, 1), env)
  const cmpOp = fc.constantFrom('eq' as const, 'ne' as const, 'lt' as const, 'le' as const, 'gt' as const, 'ge' as const)
  const leaf = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...env.bools).map((name): Bool => ({ t: 'field', name })) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('cmp' as const), op: cmpOp, l: num, r: num }) },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('time' as const),
        op: fc.constantFrom('lt' as const, 'ge' as const),
        at: fc.integer({ min: 0, max: 360 }).map((k) => env.t0 + k * 60_000),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('str' as const), op: fc.constantFrom('eq' as const, 'ne' as const), l: str, r: str }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('strIn' as const), s: str, vs: fc.uniqueArray(fc.constantFrom(...STRINGS, 'x', 'y'), { minLength: 1, maxLength: 3 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('numIn' as const), n: num, vs: fc.uniqueArray(fc.oneof(smallInt, dyadic), { minLength: 1, maxLength: 4 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('strTest' as const),
        fn: fc.constantFrom('startsWith' as const, 'endsWith' as const, 'contains' as const),
        s: str,
        v: fc.constantFrom(...PARTS, ''),
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          num.map((n) => ({ num: n })),
          str.map((s) => ({ str: s })),
          fc.constantFrom(...env.bools).map((name) => ({ bool: { t: 'field', name } as Bool })),
        )
        .map((x): Bool => ({ t: 'isNull', x })),
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

/** A view over the random stream whose windows start at `t0`. */
function viewSpec(t0: number): fc.Arbitrary<ViewSpecCase> {
  const streamEnv: Env = { ...STREAM_ENV, t0 }
  return fc
    .array(
      fc.oneof(
        numArb(2, streamEnv).map((num) => ({ num })),
        boolArb(1, streamEnv).map((bool) => ({ bool })),
        strArb(2, streamEnv).map((str) => ({ str })),
      ),
      { maxLength: 3 },
    )
    .chain((bodies) => {
      const derived = bodies.map((d, i) => {
        if ('num' in d) return { name: derivedName(i, isFloat(d.num) ? 'f' : 'i', numNullable(d.num)), num: d.num }
        if ('str' in d) return { name: derivedName(i, 's', strNullable(d.str)), str: d.str }
        return { name: derivedName(i, 'b', boolNullable(d.bool)), bool: d.bool }
      })
      const env: Env = {
        ...streamEnv,
        nums: [...streamEnv.nums, ...derived.filter((d) => 'num' in d).map((d) => ({ name: d.name, float: isFloat((d as { num: Num }).num) }))],
        strs: [...streamEnv.strs, ...derived.filter((d) => 'str' in d).map((d) => d.name)],
        bools: [...streamEnv.bools, ...derived.filter((d) => 'bool' in d).map((d) => d.name)],
      }
      const key: fc.Arbitrary<Key> = fc.oneof(
        { weight: 2, arbitrary: strArb(1, env).map((s): Key => ({ t: 'str', s })) },
        { weight: 1, arbitrary: boolArb(1, env).map((b): Key => ({ t: 'bool', b })) },
        { weight: 1, arbitrary: numArb(1, env, true).map((n): Key => ({ t: 'int', n })) },
        { weight: 1, arbitrary: fc.constantFrom(...ZONES).map((zone): Key => ({ t: 'int', n: { t: 'timePart', part: 'date', zone } })) },
        { weight: 1, arbitrary: fc.constant<Key>({ t: 'time' }) },
      )
      const measure: fc.Arbitrary<MeasureSpec> = fc.oneof(
        fc.constant<MeasureSpec>({ kind: 'count' }),
        fc
          .oneof(
            numArb(1, env).map((n) => ({ num: n })),
            strArb(1, env).map((s) => ({ str: s })),
          )
          .map((x): MeasureSpec => ({ kind: 'countOf', x })),
        fc.record({ kind: fc.constantFrom('sum' as const, 'min' as const, 'max' as const, 'avg' as const), arg: numArb(2, env) }),
        fc.record({
          kind: fc.constant('distinct' as const),
          x: fc.oneof(
            numArb(1, env, true).map((num) => ({ num })),
            strArb(1, env).map((str) => ({ str })),
            boolArb(0, env).map((bool) => ({ bool })),
          ),
          precision: fc.constantFrom(4, 8, 12),
        }),
        fc.record({
          kind: fc.constant('quantiles' as const),
          arg: numArb(2, env),
          qs: fc.uniqueArray(fc.constantFrom(0, 0.25, 0.5, 0.9, 0.99, 1), { minLength: 1, maxLength: 3 }),
          relativeError: fc.constantFrom(0.01, 0.05, 0.2),
        }),
      )
      return fc.record({
        derived: fc.constant(derived),
        where: fc.option(boolArb(2, env), { nil: null, freq: 5 }),
        keys: fc.array(key, { maxLength: 2 }),
        measures: fc.array(measure, { minLength: 1, maxLength: 4 }),
        window: fc.constantFrom<WindowSize>('1m', '5m', '15m', '1h'),
        sample: fc.option(
          fc.record({
            rate: fc.constantFrom(0.1, 0.5, 0.9, 1),
            by: fc.oneof(
              numArb(1, env, true).map((num) => ({ num })),
              strArb(1, env).map((str) => ({ str })),
              boolArb(0, env).map((bool) => ({ bool })),
            ),
          }),
          { nil: null, freq: 3 },
        ),
      })
    })
}

/** What a producer sends for an optional field: usually a value, sometimes nothing, null or junk. */
function gap(value: fc.Arbitrary<unknown>, junk: fc.Arbitrary<unknown> | null): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 14, arbitrary: value },
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(null) },
    ...(junk ? [{ weight: 1, arbitrary: junk }] : []),
  )
}

function rawEvent(times: fc.Arbitrary<number>): fc.Arbitrary<RawEvent> {
  return fc
    .record({
      s: fc.constantFrom(...STRINGS),
      e: fc.constantFrom('x' as const, 'y' as const, 'z' as const),
      n: smallInt,
      m: fc.integer({ min: 0, max: 3 }),
      f: dyadic,
      g: smallInt.map((k) => k / 4),
      b: fc.boolean(),
      c: fc.boolean(),
      u: gap(fc.constantFrom(...STRINGS), null),
      p: gap(smallInt, fc.constantFrom('N/A', 1.5)),
      q: gap(dyadic, fc.constant('bad')),
      o: gap(fc.boolean(), null),
      d: gap(smallInt, fc.constant('x')),
      ts: times,
    })
    .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)))
}

/** A validated event with times around the interesting instants (every optional field null now and then). */
const decodedEvent: fc.Arbitrary<RandomEvent> = fc.record({
  s: fc.constantFrom(...STRINGS),
  e: fc.constantFrom('x' as const, 'y' as const, 'z' as const),
  n: smallInt,
  m: fc.integer({ min: 0, max: 3 }),
  f: dyadic,
  g: smallInt.map((k) => k / 4),
  b: fc.boolean(),
  c: fc.boolean(),
  u: fc.option(fc.constantFrom(...STRINGS), { freq: 4 }),
  p: fc.option(smallInt, { freq: 4 }),
  q: fc.option(dyadic, { freq: 4 }),
  o: fc.option(fc.boolean(), { freq: 4 }),
  d: smallInt,
  ts: fc.tuple(fc.constantFrom(...INSTANTS), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 })).map(([at, delta]) => at + delta),
})

/** A view, raw events (10 to 60, over six windows from one of VIEW_STARTS), rejection reasons to archive too, and a cutoff. */
export const viewCase = fc.constantFrom(...VIEW_STARTS).chain((t0) =>
  viewSpec(t0).chain((spec) => {
    const w = WINDOW_MS[spec.window]!
    return fc.record({
      t0: fc.constant(t0),
      spec: fc.constant(spec),
      events: fc.array(rawEvent(fc.integer({ min: 0, max: 6 * w - 1 }).map((x) => t0 + x)), { minLength: 10, maxLength: 60 }),
      rejected: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
      cutoff: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 9, arbitrary: fc.integer({ min: 1, max: 6 }) }).map((j) => t0 + j * w),
    })
  }),
)

/** An expression over the stream's fields (division by anything and rounding to decimals allowed) and rows to evaluate it on. */
export const exprCase = fc.record({
  expr: fc.oneof(
    numArb(3, { ...STREAM_ENV, anyDivision: true, t0: INSTANTS[0]! }).map((num) => ({ num })),
    boolArb(2, { ...STREAM_ENV, anyDivision: true, t0: INSTANTS[0]! }).map((bool) => ({ bool })),
    strArb(3, { ...STREAM_ENV, anyDivision: true, t0: INSTANTS[0]! }).map((str) => ({ str })),
  ),
  events: fc.array(decodedEvent, { minLength: 1, maxLength: 40 }),
})

/**
 * A viewCase over a stream with `dedupeBy` (the id a field with few values, so ids repeat anyway; a
 * horizon of one to six windows or a day, aligned to the windows or not) and copies of its events
 * put in the log: at the same time, shifted within or beyond the horizon, and pairs on both sides of
 * the cutoff (either one first in the log).
 */
export const dedupeCase = viewCase.chain((c) => {
  const w = WINDOW_MS[c.spec.window]!
  return fc.record({ field: fc.constantFrom('s' as const, 'n' as const), horizonMs: fc.constantFrom(w, 2 * w, (3 * w) / 2, 6 * w, 86_400_000) }).chain(({ field, horizonMs }) => {
    const near = fc.integer({ min: 1, max: Math.max(1, Math.floor(horizonMs / 2)) })
    return fc.record({
      case: fc.constant(c),
      field: fc.constant(field),
      horizonMs: fc.constant(horizonMs),
      copies: fc.array(
        fc.record({
          of: fc.nat(),
          at: fc.nat(),
          shift: fc.oneof(
            { weight: 3, arbitrary: fc.constant(0) },
            { weight: 3, arbitrary: fc.integer({ min: -horizonMs + 1, max: horizonMs - 1 }) },
            { weight: 2, arbitrary: fc.integer({ min: horizonMs, max: 3 * horizonMs }) },
          ),
        }),
        { maxLength: 20 },
      ),
      straddles: fc.array(fc.record({ of: fc.nat(), at: fc.nat(), before: near, after: near, afterFirst: fc.boolean() }), { maxLength: 6 }),
      batchSize: fc.integer({ min: 1, max: 9 }),
    })
  })
})
