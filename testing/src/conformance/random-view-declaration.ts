import {
  avg,
  caseWhen,
  concat,
  count,
  defineStream,
  distinct,
  defineView,
  greatest,
  ifElse,
  least,
  lit,
  max,
  min,
  quantiles,
  sum,
  t,
  type BoolExpr,
  type Expr,
  type Measure,
  type StreamOptions,
  type NumberExpr,
  type StringExpr,
  type TimeExpr,
  type ViewDef,
} from '@twinflow/core'
import type { Bool, Num, Str, ViewSpecCase } from './random-view-ast.ts'

/* The random views translated to Twinflow's DSL, for the code under test. */

type Fields = Record<string, Expr>
type N = NumberExpr<number | null>
type S = StringExpr<string | null>
type B = BoolExpr<boolean | null>

export function numExpr(n: Num, e: Fields): N {
  switch (n.t) {
    case 'field':
      return e[n.name] as N
    case 'lit':
      return lit(n.v) as N
    case 'arith':
      return numExpr(n.l, e)[n.op](numExpr(n.r, e))
    case 'half':
      return numExpr(n.l, e).div(n.by)
    case 'unary':
      return numExpr(n.a, e)[n.fn]()
    case 'round':
      return numExpr(n.a, e).round(n.digits)
    case 'mod':
      return numExpr(n.l, e).mod(numExpr(n.r, e))
    case 'minMax':
      return (n.fn === 'least' ? least : greatest)(numExpr(n.l, e), numExpr(n.r, e)) as N
    case 'toInt':
      return numExpr(n.a, e).toInt()
    case 'if':
      // caseWhen with one case is ifElse; both spellings are exercised.
      return (
        n.r !== null && n.l.t === 'lit'
          ? caseWhen([[boolExpr(n.c, e), numExpr(n.l, e)]], numExpr(n.r, e))
          : ifElse(boolExpr(n.c, e), numExpr(n.l, e), n.r === null ? null : numExpr(n.r, e))
      ) as N
    case 'coalesce':
      return numExpr(n.l, e).coalesce(numExpr(n.r, e))
    case 'length':
      return strExpr(n.s, e).length()
    case 'parseInt':
      return strExpr(n.s, e).parseInt()
    case 'timePart':
      return (e.ts as TimeExpr)[n.part](n.zone) as N
  }
}

export function strExpr(s: Str, e: Fields): S {
  switch (s.t) {
    case 'field':
      return e[s.name] as S
    case 'lit':
      return lit(s.v) as S
    case 'case':
      return strExpr(s.a, e)[s.fn]()
    case 'substring':
      return s.len === null ? strExpr(s.a, e).substring(s.start) : strExpr(s.a, e).substring(s.start, s.len)
    case 'concat':
      return s.a.t === 'lit' ? concat(s.a.v, strExpr(s.b, e)) : strExpr(s.a, e).concat(strExpr(s.b, e))
    case 'replace':
      return strExpr(s.a, e).replace(s.from, s.to)
    case 'if':
      return ifElse(boolExpr(s.c, e), strExpr(s.l, e), s.r === null ? null : strExpr(s.r, e)) as S
    case 'coalesce':
      return strExpr(s.l, e).coalesce(strExpr(s.r, e))
    case 'intStr':
      return numExpr(s.n, e).asString()
    case 'boolStr':
      return boolExpr(s.b, e).asString()
  }
}

export function boolExpr(b: Bool, e: Fields): B {
  switch (b.t) {
    case 'field':
      return e[b.name] as B
    case 'cmp':
      return numExpr(b.l, e)[b.op](numExpr(b.r, e))
    case 'time':
      return (e.ts as NumberExpr)[b.op](b.at)
    case 'str':
      return strExpr(b.l, e)[b.op](strExpr(b.r, e))
    case 'strIn':
      return strExpr(b.s, e).in(b.vs)
    case 'numIn':
      return numExpr(b.n, e).in(b.vs)
    case 'strTest':
      return strExpr(b.s, e)[b.fn](b.v)
    case 'isNull':
      return 'num' in b.x ? numExpr(b.x.num, e).isNull() : 'str' in b.x ? strExpr(b.x.str, e).isNull() : boolExpr(b.x.bool, e).isNull()
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

/** The random stream: required fields, optional ones of each kind (one that makes junk null), one with a default (junk too). */
export function randomStream(name: string, options: StreamOptions = {}) {
  return defineStream(
    name,
    {
      s: t.string(),
      e: t.enum(['x', 'y', 'z']),
      n: t.int64(),
      m: t.int64(),
      f: t.float64(),
      g: t.float64(),
      b: t.boolean(),
      c: t.boolean(),
      u: t.string().optional(),
      p: t.int64().optional().onInvalid('null'),
      q: t.float64().optional(),
      o: t.boolean().optional(),
      d: t.int64().default(-2).onInvalid('default'),
      ts: t.eventTime(),
    },
    options,
  )
}

/** The view of `spec` over a random stream of its own (`stream`: its options, e.g. `dedupeBy`). */
export function declareRandomView(name: string, spec: ViewSpecCase, stream: StreamOptions = {}): ViewDef {
  return defineView(name, randomStream(`${name}_events`, stream), {
    derive: (e) =>
      Object.fromEntries(spec.derived.map((d) => [d.name, 'num' in d ? numExpr(d.num, e as Fields) : 'str' in d ? strExpr(d.str, e as Fields) : boolExpr(d.bool, e as Fields)])),
    where: spec.where ? (e) => boolExpr(spec.where!, e as Fields) : undefined,
    groupBy: (e) => {
      const f = e as Fields
      return Object.fromEntries(spec.keys.map((k, i) => [`k${i}`, k.t === 'str' ? strExpr(k.s, f) : k.t === 'bool' ? boolExpr(k.b, f) : k.t === 'int' ? numExpr(k.n, f) : f.ts!]))
    },
    window: spec.window,
    sample: spec.sample
      ? {
          rate: spec.sample.rate,
          by: (e) => {
            const by = spec.sample!.by
            return 'num' in by ? numExpr(by.num, e as Fields) : 'str' in by ? strExpr(by.str, e as Fields) : boolExpr(by.bool, e as Fields)
          },
        }
      : undefined,
    measures: (e) =>
      Object.fromEntries(
        spec.measures.map((m, i): [string, Measure<unknown>] => {
          const f = e as Fields
          if (m.kind === 'count') return [`m${i}`, count()]
          if (m.kind === 'countOf') return [`m${i}`, count('num' in m.x ? numExpr(m.x.num, f) : strExpr(m.x.str, f))]
          if (m.kind === 'distinct') {
            const x = 'num' in m.x ? numExpr(m.x.num, f) : 'str' in m.x ? strExpr(m.x.str, f) : boolExpr(m.x.bool, f)
            return [`m${i}`, distinct(x, { precision: m.precision })]
          }
          if (m.kind === 'quantiles') return [`m${i}`, quantiles(numExpr(m.arg, f), m.qs, { relativeError: m.relativeError })]
          return [`m${i}`, { sum, min, max, avg }[m.kind](numExpr(m.arg, f))]
        }),
      ),
  })
}
