import type { Bool, Num, RandomEvent, Str } from './random-view-ast.ts'
import { dedupeCase, exprCase, viewCase, VIEW_STARTS } from './random-view-arbitraries.ts'
import { boolExpr, declareRandomView, numExpr, randomStream, strExpr } from './random-view-declaration.ts'
import { bool, num, referenceDecode, str } from './reference-interpreter.ts'
import { referenceDedupe } from './reference-dedupe.ts'
import { referenceReduce, zero } from './reference-reduce.ts'

export type { Bool, Key, MeasureSpec, Num, RandomEvent, RawEvent, Str, ViewSpecCase } from './random-view-ast.ts'

/**
 * Random view declarations and events, their reference results (a test-local expression language
 * with its own interpreter: no Twinflow code), and their declaration in Twinflow's DSL for the code
 * under test. See random-view-arbitraries.ts for what they cover.
 */
export const randomViews = {
  /** The start of the first window of most cases (others start on daylight-saving days, a midnight, a new year). */
  T0: VIEW_STARTS[0]!,
  stream: randomStream,
  /** A view, raw events (10 to 60, over six windows; optional fields missing, null or junk now and then), rejection reasons to archive too, and a cutoff. */
  viewCase,
  /** A viewCase over a stream with dedupeBy, and copies of its events to put in the log (see random-view-arbitraries.ts). */
  dedupeCase,
  /** The events dedupeBy keeps, as the documented rule says (see reference-dedupe.ts). */
  dedupe: referenceDedupe,
  /** A numeric, boolean or string expression over the stream's fields (division by anything allowed) and validated rows to evaluate it on. */
  exprCase,
  /** The validated event of a raw one by the stream's policies, or null (a dead letter), as the reference reads them. */
  decode: referenceDecode,
  reduce: referenceReduce,
  evaluate: (expr: { num: Num } | { bool: Bool } | { str: Str }, event: RandomEvent): number | boolean | string | null =>
    'num' in expr ? num(expr.num, { ...event }) : 'bool' in expr ? bool(expr.bool, { ...event }) : str(expr.str, { ...event }),
  declare: declareRandomView,
  numExpr,
  boolExpr,
  strExpr,
  zero,
}
