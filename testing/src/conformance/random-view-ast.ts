import type { WindowSize } from '@twinflow/core'

/*
 * The test-local expression language of the random views: an AST the reference interpreter
 * evaluates on its own (reference-interpreter.ts) and random-view-declaration.ts translates to
 * Twinflow's DSL for the code under test.
 */

/** Time zones the calendar functions are tested in (undefined: UTC by default). */
export const ZONES = [undefined, 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide'] as const
export type Zone = (typeof ZONES)[number]

export type Num =
  | { t: 'field'; name: string }
  | { t: 'lit'; v: number }
  | { t: 'arith'; op: 'add' | 'sub' | 'mul' | 'div'; l: Num; r: Num }
  | { t: 'half'; l: Num; by: 1 | 2 | 4 | 8 }
  | { t: 'unary'; fn: 'abs' | 'floor' | 'ceil' | 'toFloat'; a: Num }
  | { t: 'round'; a: Num; digits: number }
  | { t: 'mod'; l: Num; r: Num }
  | { t: 'minMax'; fn: 'least' | 'greatest'; l: Num; r: Num }
  | { t: 'toInt'; a: Num }
  | { t: 'if'; c: Bool; l: Num; r: Num | null }
  | { t: 'coalesce'; l: Num; r: Num }
  | { t: 'length'; s: Str }
  | { t: 'parseInt'; s: Str }
  | { t: 'timePart'; part: 'hour' | 'dayOfWeek' | 'month' | 'year' | 'date'; zone: Zone }

export type Str =
  | { t: 'field'; name: string }
  | { t: 'lit'; v: string }
  | { t: 'case'; fn: 'lower' | 'upper' | 'trim'; a: Str }
  | { t: 'substring'; a: Str; start: number; len: number | null }
  | { t: 'concat'; a: Str; b: Str }
  | { t: 'replace'; a: Str; from: string; to: string }
  | { t: 'if'; c: Bool; l: Str; r: Str | null }
  | { t: 'coalesce'; l: Str; r: Str }
  | { t: 'intStr'; n: Num }
  | { t: 'boolStr'; b: Bool }

export type Bool =
  | { t: 'field'; name: string }
  | { t: 'cmp'; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; l: Num; r: Num }
  | { t: 'time'; op: 'lt' | 'ge'; at: number }
  | { t: 'str'; op: 'eq' | 'ne'; l: Str; r: Str }
  | { t: 'strIn'; s: Str; vs: string[] }
  | { t: 'numIn'; n: Num; vs: number[] }
  | { t: 'strTest'; fn: 'startsWith' | 'endsWith' | 'contains'; s: Str; v: string }
  | { t: 'isNull'; x: { num: Num } | { str: Str } | { bool: Bool } }
  | { t: 'boolEq'; l: Bool; r: Bool }
  | { t: 'and' | 'or'; args: Bool[] }
  | { t: 'not'; a: Bool }

export type Key = { t: 'str'; s: Str } | { t: 'bool'; b: Bool } | { t: 'int'; n: Num } | { t: 'time' }

export type MeasureSpec =
  | { kind: 'count' }
  | { kind: 'countOf'; x: { num: Num } | { str: Str } }
  | { kind: 'sum' | 'min' | 'max' | 'avg'; arg: Num }
  /** Of an integer expression, a string or a boolean. */
  | { kind: 'distinct'; x: { num: Num } | { str: Str } | { bool: Bool }; precision: number }
  | { kind: 'quantiles'; arg: Num; qs: number[]; relativeError: number }

export interface ViewSpecCase {
  derived: ({ name: string; num: Num } | { name: string; bool: Bool } | { name: string; str: Str })[]
  where: Bool | null
  keys: Key[]
  measures: MeasureSpec[]
  window: WindowSize
  /** A deterministic sample of the values of an integer, string or boolean expression. */
  sample: { rate: number; by: { num: Num } | { str: Str } | { bool: Bool } } | null
}

/**
 * A validated event of the random stream: the required fields, and the optional ones (`u`, `p`,
 * `q`, `o`: null where missing) and `d` (its default where missing).
 */
export interface RandomEvent {
  s: string
  e: 'x' | 'y' | 'z'
  n: number
  m: number
  f: number
  g: number
  b: boolean
  c: boolean
  u: string | null
  p: number | null
  q: number | null
  o: boolean | null
  d: number
  ts: number
}

/** An event as a producer sends it: optional fields may be absent, null, or (some) junk. */
export type RawEvent = Record<string, unknown>
