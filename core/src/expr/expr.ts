import { TwinflowError } from '../errors/twinflow-error.ts'
import { isNumericKind, type Scalar, type ValueKind } from '../schema/value-kind.ts'
import { zoneOffset } from '../time/zone-offset.ts'
import type { ArithOp, CompareOp, ExprNode } from './expr-node.ts'
import type { FunctionName } from './function-name.ts'

/**
 * `null` when `T` admits null, else `never`: how nullability flows into a result type. An
 * intersection, not a conditional type, so that expression types stay covariant (an expression of
 * a non-null type is one of the nullable type).
 */
export type Nullish<T> = T & null
/** A value or an expression of its type, nullable or not. */
export type Operand<V extends Scalar> = V | Expr<V> | Expr<V | null>
/** `null` when an operand is a nullable expression. */
type NullOf<O> = O extends Expr<infer U> ? Nullish<U> : never
/** Any expression, whatever its type (the internal helpers read its node only). */
type AnyExpr = { readonly node: ExprNode }
/** What the internal helpers take as an operand. */
type AnyOperand = Scalar | AnyExpr

/**
 * A typed expression over an event. `T` is the TypeScript type of its value (with `null` when it
 * can be null). A result's type is nullable when the receiver is; an operand of another kind is a
 * `config` error when the view is declared.
 */
export class Expr<T extends Scalar | null = Scalar | null> {
  /** Phantom, for type inference only. */
  declare readonly __type?: T
  constructor(readonly node: ExprNode) {}

  eq(other: NonNullable<T> | AnyExpr): BoolExpr<boolean | Nullish<T>> {
    return compare('eq', this.node, other) as never
  }
  ne(other: NonNullable<T> | AnyExpr): BoolExpr<boolean | Nullish<T>> {
    return compare('ne', this.node, other) as never
  }
  /** True when the value is one of `values` (null when the value is null). */
  in(values: readonly NonNullable<T>[]): BoolExpr<boolean | Nullish<T>> {
    if (values.length === 0) throw new TwinflowError('config', 'in() needs at least one value')
    for (const v of values) checkLiteral(this.node.type, v as Scalar)
    return new BoolExpr(withNullable({ op: 'in', type: 'bool', arg: this.node, values: [...(values as readonly Scalar[])] }, this.node.nullable === true)) as never
  }
  /** True when the value is null (never null itself). */
  isNull(): BoolExpr {
    return new BoolExpr(call('isNull', 'bool', [this.node], [], false)) as never
  }
  /** True when the value is not null. */
  isNotNull(): BoolExpr {
    return this.isNull().not()
  }
}

/** The expression class of a value type. */
export type ExprOf<T extends Scalar | null> = [NonNullable<T>] extends [string]
  ? StringExpr<NonNullable<T> | Nullish<T>>
  : [NonNullable<T>] extends [boolean]
    ? BoolExpr<boolean | Nullish<T>>
    : NumberExpr<number | Nullish<T>>

export class StringExpr<T extends string | null = string> extends Expr<T> {
  /** This value, or the first of `others` that is not null (null only when all are). */
  coalesce(...others: (string | Expr<string>)[]): StringExpr<string>
  coalesce(...others: (string | Expr<string> | Expr<string | null>)[]): StringExpr<string | null>
  coalesce(...others: AnyOperand[]): never {
    return coalesceOf([this, ...others]) as never
  }
  /** ASCII letters to lower case; every other character unchanged (see README: case mapping). */
  lower(): StringExpr<string | Nullish<T>> {
    return this.#string('lower')
  }
  /** ASCII letters to upper case; every other character unchanged. */
  upper(): StringExpr<string | Nullish<T>> {
    return this.#string('upper')
  }
  /** Without leading and trailing ASCII whitespace (space, \t, \n, \r, \v, \f). */
  trim(): StringExpr<string | Nullish<T>> {
    return this.#string('trim')
  }
  /** The number of Unicode code points. */
  length(): NumberExpr<number | Nullish<T>> {
    return new NumberExpr(call('length', 'int', [this.node], [], this.node.nullable === true))
  }
  /**
   * At most `length` code points (all when omitted) from code point `start` (0-based; a negative
   * start counts from the end, as JavaScript's slice). Both are integer constants, |start| and
   * length at most 1000 (the SQL cuts with a regular expression, whose counts stop there).
   */
  substring(start: number, length?: number): StringExpr<string | Nullish<T>> {
    if (!Number.isSafeInteger(start) || Math.abs(start) > 1000) throw new TwinflowError('config', `substring start must be an integer from -1000 to 1000, got ${start}`)
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 0 || length > 1000)) {
      throw new TwinflowError('config', `substring length must be an integer from 0 to 1000, got ${length}`)
    }
    return this.#string('substring', length === undefined ? [start] : [start, length])
  }
  /** This string followed by the others (null when any is null). */
  concat(...others: (string | Expr<string> | Expr<string | null>)[]): StringExpr<string | Nullish<T>> {
    return concatOf([this, ...others]) as never
  }
  /** Whether the string starts with the constant `prefix`. */
  startsWith(prefix: string): BoolExpr<boolean | Nullish<T>> {
    return this.#bool('startsWith', checkConstant('startsWith', prefix))
  }
  /** Whether the string ends with the constant `suffix`. */
  endsWith(suffix: string): BoolExpr<boolean | Nullish<T>> {
    return this.#bool('endsWith', checkConstant('endsWith', suffix))
  }
  /** Whether the constant `part` occurs in the string (an empty part always does). */
  contains(part: string): BoolExpr<boolean | Nullish<T>> {
    return this.#bool('contains', checkConstant('contains', part))
  }
  /** Every occurrence of the constant `from` (not empty) replaced by `to`, left to right, without overlaps. */
  replace(from: string, to: string): StringExpr<string | Nullish<T>> {
    if (checkConstant('replace', from) === '') throw new TwinflowError('config', 'replace() needs a non-empty string to replace')
    return this.#string('replace', [from, checkConstant('replace', to)])
  }
  /** The integer a string of an optional minus and 1 to 15 digits spells; null for any other string. */
  parseInt(): NumberExpr<number | null> {
    return new NumberExpr(call('parseInt', 'int', [this.node], [], true))
  }
  /** The string itself (for symmetry with the other kinds' asString()). */
  asString(): StringExpr<string | Nullish<T>> {
    return this as never
  }
  #string(fn: FunctionName, params: readonly Scalar[] = []): StringExpr<string | Nullish<T>> {
    return new StringExpr(call(fn, 'string', [this.node], params, this.node.nullable === true))
  }
  #bool(fn: FunctionName, param: string): BoolExpr<boolean | Nullish<T>> {
    return new BoolExpr(call(fn, 'bool', [this.node], [param], this.node.nullable === true))
  }
}

export class NumberExpr<T extends number | null = number> extends Expr<T> {
  lt(other: number | Expr<number> | Expr<number | null>): BoolExpr<boolean | Nullish<T>> {
    return compare('lt', this.node, other) as never
  }
  le(other: number | Expr<number> | Expr<number | null>): BoolExpr<boolean | Nullish<T>> {
    return compare('le', this.node, other) as never
  }
  gt(other: number | Expr<number> | Expr<number | null>): BoolExpr<boolean | Nullish<T>> {
    return compare('gt', this.node, other) as never
  }
  ge(other: number | Expr<number> | Expr<number | null>): BoolExpr<boolean | Nullish<T>> {
    return compare('ge', this.node, other) as never
  }
  add(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | Nullish<T>> {
    return arith('add', this.node, other) as never
  }
  sub(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | Nullish<T>> {
    return arith('sub', this.node, other) as never
  }
  mul(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | Nullish<T>> {
    return arith('mul', this.node, other) as never
  }
  /**
   * Floating-point division; null when the divisor is 0 (as SQL's NULLIF idiom, in both engines:
   * never ±Infinity or NaN). By a constant it is null only where this value is; by an expression
   * it can be null. Division by the constant 0 is refused.
   */
  div(other: number): NumberExpr<number | Nullish<T>>
  div(other: Expr<number> | Expr<number | null>): NumberExpr<number | null>
  div(other: number | Expr<number> | Expr<number | null>): never {
    if (typeof other === 'number' && other === 0) throw new TwinflowError('config', 'div() by the constant 0 is always null')
    return arith('div', this.node, other) as never
  }
  /** This value, or the first of `others` that is not null (null only when all are). */
  coalesce(...others: (number | Expr<number>)[]): NumberExpr<number>
  coalesce(...others: (number | Expr<number> | Expr<number | null>)[]): NumberExpr<number | null>
  coalesce(...others: AnyOperand[]): never {
    return coalesceOf([this, ...others]) as never
  }
  /** |x|. */
  abs(): NumberExpr<number | Nullish<T>> {
    return this.#same('abs')
  }
  /** Rounded half up (toward +∞) to `digits` decimals (negative: tens, hundreds...): floor(x·10^d + 0.5) / 10^d. Integers unchanged. */
  round(digits = 0): NumberExpr<number | Nullish<T>> {
    if (!Number.isSafeInteger(digits) || Math.abs(digits) > 15) throw new TwinflowError('config', `round() digits must be an integer from -15 to 15, got ${digits}`)
    return this.#same('round', digits === 0 ? [] : [digits])
  }
  /** The greatest integer <= x (a float stays a float). */
  floor(): NumberExpr<number | Nullish<T>> {
    return this.#same('floor')
  }
  /** The least integer >= x (a float stays a float). */
  ceil(): NumberExpr<number | Nullish<T>> {
    return this.#same('ceil')
  }
  /** The remainder of integer division, with the sign of this value (as JavaScript's %); null when dividing by 0. Integers only. */
  mod(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | null> {
    const right = operand(other)
    if (!isIntegral(this.node.type) || !isIntegral(right.type)) throw new TwinflowError('config', `mod() needs integers, got ${this.node.type} and ${right.type}`)
    if (right.op === 'lit' && right.value === 0) throw new TwinflowError('config', 'mod() by the constant 0 is always null')
    return new NumberExpr(call('mod', 'int', [this.node, right], [], true))
  }
  /** The smaller of the two (null when either is null). */
  least(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | Nullish<T>> {
    return minMax('least', this, other) as never
  }
  /** The greater of the two (null when either is null). */
  greatest(other: number | Expr<number> | Expr<number | null>): NumberExpr<number | Nullish<T>> {
    return minMax('greatest', this, other) as never
  }
  /** As a float. */
  toFloat(): NumberExpr<number | Nullish<T>> {
    return new NumberExpr(call('toFloat', 'float', [this.node], [], this.node.nullable === true))
  }
  /** Truncated toward zero to an integer; null for NaN, ±Infinity and magnitudes of 2^53 or more. */
  toInt(): NumberExpr<number | Nullish<T> | (T extends number ? never : null)> {
    const float = this.node.type === 'float'
    return new NumberExpr(call('toInt', 'int', [this.node], [], float || this.node.nullable === true)) as never
  }
  /** The decimal digits of an integer or a time (epoch ms). Floats have no string form both engines write alike. */
  asString(): StringExpr<string | Nullish<T>> {
    if (this.node.type === 'float')
      throw new TwinflowError('config', 'asString() of a float is not supported (ClickHouse and JavaScript format floats differently): round it and use toInt() first')
    return new StringExpr(call('toString', 'string', [this.node], [], this.node.nullable === true))
  }
  #same(fn: FunctionName, params: readonly Scalar[] = []): NumberExpr<number | Nullish<T>> {
    return new NumberExpr(call(fn, this.node.type, [this.node], params, this.node.nullable === true))
  }
}

/** An event time (epoch ms): a number, with calendar fields in UTC or in a named IANA time zone. */
export class TimeExpr<T extends number | null = number> extends NumberExpr<T> {
  /** The hour of the day, 0–23. */
  hour(zone?: string): NumberExpr<number | Nullish<T>> {
    return this.#field('hour', 'int', zone)
  }
  /** The day of the week, 1 (Monday) to 7 (Sunday). */
  dayOfWeek(zone?: string): NumberExpr<number | Nullish<T>> {
    return this.#field('dayOfWeek', 'int', zone)
  }
  /** The calendar date, as the time of its 00:00 UTC (so dates of any zone group and compare alike). */
  date(zone?: string): TimeExpr<number | Nullish<T>> {
    return this.#field('date', 'time', zone) as TimeExpr<number | Nullish<T>>
  }
  /** The month, 1–12. */
  month(zone?: string): NumberExpr<number | Nullish<T>> {
    return this.#field('month', 'int', zone)
  }
  /** The year. */
  year(zone?: string): NumberExpr<number | Nullish<T>> {
    return this.#field('year', 'int', zone)
  }
  #field(fn: FunctionName, type: 'int' | 'time', zone: string | undefined): NumberExpr<number | Nullish<T>> {
    if (zone !== undefined) {
      checkConstant(fn, zone)
      zoneOffset(zone) // throws a config error for a zone the engine does not know
    }
    const node = call(fn, type, [this.node], zone === undefined || zone === 'UTC' ? [] : [zone], this.node.nullable === true)
    return wrap(node) as NumberExpr<number | Nullish<T>>
  }
}

export class BoolExpr<T extends boolean | null = boolean> extends Expr<T> {
  and(...others: BoolExpr<boolean | null>[]): BoolExpr<boolean | Nullish<T>> {
    return logic('and', [this, ...others]) as never
  }
  or(...others: BoolExpr<boolean | null>[]): BoolExpr<boolean | Nullish<T>> {
    return logic('or', [this, ...others]) as never
  }
  not(): BoolExpr<boolean | Nullish<T>> {
    return new BoolExpr(withNullable({ op: 'not', type: 'bool', arg: this.node }, this.node.nullable === true)) as never
  }
  /** This value, or the first of `others` that is not null (null only when all are). */
  coalesce(...others: (boolean | Expr<boolean>)[]): BoolExpr<boolean>
  coalesce(...others: (boolean | Expr<boolean> | Expr<boolean | null>)[]): BoolExpr<boolean | null>
  coalesce(...others: AnyOperand[]): never {
    return coalesceOf([this, ...others]) as never
  }
  /** 'true' or 'false'. */
  asString(): StringExpr<string | Nullish<T>> {
    return new StringExpr(call('toString', 'string', [this.node], [], this.node.nullable === true)) as never
  }
}

/** True when all are true, false when any is false, else null (SQL's three-valued AND). */
export function and<A extends BoolExpr<boolean | null>>(...args: A[]): BoolExpr<boolean | NullOf<A>> {
  return logic('and', args) as never
}
/** True when any is true, false when all are false, else null (SQL's three-valued OR). */
export function or<A extends BoolExpr<boolean | null>>(...args: A[]): BoolExpr<boolean | NullOf<A>> {
  return logic('or', args) as never
}

function logic(op: 'and' | 'or', args: readonly AnyExpr[]): Expr {
  return new BoolExpr(
    withNullable(
      { op, type: 'bool', args: args.map((a) => a.node) },
      args.some((a) => a.node.nullable === true),
    ),
  )
}

/** A constant. Strings, finite numbers and booleans only. */
export function lit<T extends string>(value: T): StringExpr<T>
export function lit(value: number): NumberExpr
export function lit(value: boolean): BoolExpr
export function lit(value: Scalar): never {
  return wrap(literalNode(value)) as never
}

/**
 * `then` where `cond` is true, else `otherwise` (also where `cond` is null, as SQL's CASE). The
 * branches have one kind (numbers mix: an integer and a float give a float); `null` as a branch is
 * a null of the other's kind.
 */
export function ifElse<A extends Scalar | null, B extends Scalar | null>(
  cond: BoolExpr<boolean | null>,
  then: A | Expr<A>,
  otherwise: B | Expr<B>,
): ExprOf<NonNullable<A | B> | Nullish<A | B>> {
  if (!(cond instanceof BoolExpr)) throw new TwinflowError('config', 'ifElse() needs a boolean condition')
  const [a, b] = branches([then as AnyOperand | null, otherwise as AnyOperand | null])
  const type = commonKind('ifElse', [a!.type, b!.type])
  return wrap(call('if', type, [cond.node, a!, b!], [], a!.nullable === true || b!.nullable === true)) as never
}

/** The value of the first case whose condition is true, else `otherwise`: ifElse() nested. */
export function caseWhen<V extends Scalar | null>(cases: readonly (readonly [BoolExpr<boolean | null>, V | Expr<V>])[], otherwise: V | Expr<V>): ExprOf<V> {
  if (cases.length === 0) throw new TwinflowError('config', 'caseWhen() needs at least one case')
  let result: Expr | V | Expr<V> = otherwise
  for (let i = cases.length - 1; i >= 0; i--) result = ifElse(cases[i]![0], cases[i]![1] as Scalar | null, result as Scalar | null) as Expr
  return result as never
}

/** The first argument that is not null (null when all are). */
export function coalesce<A extends Scalar>(first: Expr<A | null>, ...rest: Operand<A>[]): ExprOf<A | null> {
  return coalesceOf([first, ...rest]) as never
}

function coalesceOf(values: readonly AnyOperand[]): Expr {
  const nodes = values.map(operand)
  if (nodes.length < 2) throw new TwinflowError('config', 'coalesce() needs at least two arguments')
  const type = commonKind(
    'coalesce',
    nodes.map((n) => n.type),
  )
  return wrap(
    call(
      'coalesce',
      type,
      nodes,
      [],
      nodes.every((n) => n.nullable === true),
    ),
  )
}

/** The strings one after the other (null when any is null). */
export function concat(...parts: (string | Expr<string>)[]): StringExpr<string>
export function concat(...parts: (string | Expr<string> | Expr<string | null>)[]): StringExpr<string | null>
export function concat(...parts: AnyOperand[]): never {
  return concatOf(parts) as never
}

function concatOf(parts: readonly AnyOperand[]): Expr {
  const nodes = parts.map(operand)
  if (nodes.length < 2) throw new TwinflowError('config', 'concat() needs at least two strings')
  for (const n of nodes) if (n.type !== 'string') throw new TwinflowError('config', `concat() joins strings, got a ${n.type} (use asString() first)`)
  return new StringExpr(
    call(
      'concat',
      'string',
      nodes,
      [],
      nodes.some((n) => n.nullable === true),
    ),
  )
}

/** The smaller of two numbers (null when either is null). */
export function least<A extends Operand<number>, B extends Operand<number>>(a: A, b: B): NumberExpr<number | NullOf<A> | NullOf<B>> {
  return minMax('least', a, b) as never
}
/** The greater of two numbers (null when either is null). */
export function greatest<A extends Operand<number>, B extends Operand<number>>(a: A, b: B): NumberExpr<number | NullOf<A> | NullOf<B>> {
  return minMax('greatest', a, b) as never
}

/**
 * Whether an event is in a deterministic sample of about `rate` of the values of `by` (a string,
 * integer, time or boolean; null: not in it): the high 32 bits of sipHash64 of the value's text (as
 * distinct() hashes it) are below rate · 2^32. The batch SQL and the speed JavaScript keep the
 * same events; every event of one value of `by` is in or out together. See defineView's `sample`.
 */
export function inSample(by: Expr<string | number | boolean>, rate: number): BoolExpr<boolean>
export function inSample(by: Expr, rate: number): BoolExpr<boolean | null>
export function inSample(by: Expr, rate: number): BoolExpr<boolean | null> {
  if (!(rate > 0 && rate <= 1)) throw new TwinflowError('config', `a sample rate must be above 0 and at most 1, got ${rate}`)
  const kind = by.node.type
  if (kind === 'float')
    throw new TwinflowError('config', 'a sample by a float is not supported (its text differs between ClickHouse and JavaScript): round it and use toInt() first')
  return new BoolExpr(call('inSample', 'bool', [by.node], [Math.floor(rate * 2 ** 32)], by.node.nullable === true))
}

/** Wraps a node in the expression class that matches its kind. */
export function wrap(node: ExprNode): Expr {
  switch (node.type) {
    case 'string':
      return new StringExpr(node)
    case 'bool':
      return new BoolExpr(node)
    case 'time':
      return new TimeExpr(node) as unknown as Expr
    default:
      return new NumberExpr(node) as unknown as Expr
  }
}

function minMax(fn: 'least' | 'greatest', a: AnyOperand, b: AnyOperand): Expr {
  const nodes = [operand(a), operand(b)]
  for (const n of nodes) if (!isNumericKind(n.type)) throw new TwinflowError('config', `${fn}() needs numbers, got a ${n.type}`)
  return wrap(
    call(
      fn,
      commonKind(
        fn,
        nodes.map((n) => n.type),
      ),
      nodes,
      [],
      nodes.some((n) => n.nullable === true),
    ),
  )
}

function call(fn: FunctionName, type: ValueKind, args: readonly ExprNode[], params: readonly Scalar[], nullable: boolean): ExprNode {
  return withNullable({ op: 'call', fn, type, args, params }, nullable)
}

/** The node, marked nullable when it is. */
function withNullable<N extends ExprNode>(node: N, nullable: boolean): N {
  return nullable ? { ...node, nullable: true } : node
}

/** The branches of ifElse as nodes: a `null` branch becomes a null literal of the other's kind. */
function branches(values: readonly (AnyOperand | null)[]): ExprNode[] {
  const nodes = values.map((v) => (v === null ? null : operand(v)))
  const known = nodes.find((n) => n !== null)
  if (!known) throw new TwinflowError('config', 'ifElse() needs a branch that is not null')
  return nodes.map((n) => n ?? { op: 'lit', type: known.type, nullable: true, value: null })
}

/** The kind of a value that is any of `kinds`: one kind, or numbers (a float if any is). */
function commonKind(fn: string, kinds: readonly ValueKind[]): ValueKind {
  if (kinds.every((k) => k === kinds[0])) return kinds[0]!
  if (kinds.every(isNumericKind)) return kinds.includes('float') ? 'float' : 'int'
  throw new TwinflowError('config', `${fn}() needs values of one kind, got ${kinds.join(', ')}`)
}

function checkConstant(fn: string, value: unknown): string {
  if (typeof value !== 'string') throw new TwinflowError('config', `${fn}() takes a constant string, got ${typeof value}`)
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw new TwinflowError('config', `${fn}(): the string has a lone UTF-16 surrogate`)
  return value
}

function literalNode(value: Scalar): ExprNode {
  if (typeof value === 'string') return { op: 'lit', type: 'string', value: checkConstant('lit', value) }
  if (typeof value === 'boolean') return { op: 'lit', type: 'bool', value }
  if (typeof value === 'number' && Number.isFinite(value)) return { op: 'lit', type: Number.isSafeInteger(value) ? 'int' : 'float', value }
  throw new TwinflowError('config', `literal ${String(value)} is not a string, boolean or finite number`)
}

function operand(value: AnyOperand): ExprNode {
  return value instanceof Expr ? value.node : literalNode(value as Scalar)
}

const isIntegral = (k: ValueKind) => k === 'int' || k === 'time'

function checkLiteral(kind: ValueKind, value: Scalar): void {
  const ok = isNumericKind(kind) ? typeof value === 'number' && Number.isFinite(value) : typeof value === (kind === 'bool' ? 'boolean' : 'string')
  if (!ok) throw new TwinflowError('config', `cannot compare a ${kind} expression with ${JSON.stringify(value)}`)
}

function compare(op: CompareOp, left: ExprNode, other: AnyOperand): Expr {
  const right = operand(other)
  const comparable = isNumericKind(left.type) ? isNumericKind(right.type) : left.type === right.type
  if (!comparable) throw new TwinflowError('config', `cannot compare ${left.type} with ${right.type}`)
  if ((op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') && !isNumericKind(left.type)) {
    throw new TwinflowError('config', `${op} needs numbers; ${left.type} values only support eq, ne and in`)
  }
  return new BoolExpr(withNullable({ op, type: 'bool', left, right }, left.nullable === true || right.nullable === true))
}

function arith(op: ArithOp, left: ExprNode, other: AnyOperand): Expr {
  const right = operand(other)
  if (!isNumericKind(left.type)) throw new TwinflowError('config', `cannot ${op} a ${left.type}`)
  if (!isNumericKind(right.type)) throw new TwinflowError('config', `cannot ${op} a ${right.type}`)
  const type = op === 'div' || left.type === 'float' || right.type === 'float' ? 'float' : 'int'
  if (op === 'div' && right.op === 'lit' && right.value === 0) throw new TwinflowError('config', 'div() by the constant 0 is always null')
  // x / y is null where y is 0: nullable unless y is a constant (not 0).
  const divisorCanBeZero = op === 'div' && right.op !== 'lit'
  return new NumberExpr(withNullable({ op, type, left, right }, left.nullable === true || right.nullable === true || divisorCanBeZero)) as unknown as Expr
}
