import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Scalar, ValueKind } from '../schema/value-kind.ts'
import type { ArithOp, CompareOp, ExprNode } from './expr-node.ts'

type Operand<T extends Scalar> = T | Expr<T>

/** A typed expression over an event. `T` is the TypeScript type of its value. */
export class Expr<T extends Scalar = Scalar> {
  /** Phantom, for type inference only. */
  declare readonly __type?: T
  constructor(readonly node: ExprNode) {}

  eq(other: Operand<T>): BoolExpr {
    return compare('eq', this.node, other)
  }
  ne(other: Operand<T>): BoolExpr {
    return compare('ne', this.node, other)
  }
  /** True when the value is one of `values`. */
  in(values: readonly T[]): BoolExpr {
    if (values.length === 0) throw new TwinflowError('config', 'in() needs at least one value')
    for (const v of values) checkLiteral(this.node.type, v)
    return new BoolExpr({ op: 'in', type: 'bool', arg: this.node, values: [...values] })
  }
}

export class StringExpr<T extends string = string> extends Expr<T> {}

export class NumberExpr extends Expr<number> {
  lt(other: Operand<number>): BoolExpr {
    return compare('lt', this.node, other)
  }
  le(other: Operand<number>): BoolExpr {
    return compare('le', this.node, other)
  }
  gt(other: Operand<number>): BoolExpr {
    return compare('gt', this.node, other)
  }
  ge(other: Operand<number>): BoolExpr {
    return compare('ge', this.node, other)
  }
  add(other: Operand<number>): NumberExpr {
    return arith('add', this.node, other)
  }
  sub(other: Operand<number>): NumberExpr {
    return arith('sub', this.node, other)
  }
  mul(other: Operand<number>): NumberExpr {
    return arith('mul', this.node, other)
  }
  /** Floating-point division (x / 0 is ±Infinity or NaN, as in ClickHouse). */
  div(other: Operand<number>): NumberExpr {
    return arith('div', this.node, other)
  }
}

export class BoolExpr extends Expr<boolean> {
  and(...others: BoolExpr[]): BoolExpr {
    return and(this, ...others)
  }
  or(...others: BoolExpr[]): BoolExpr {
    return or(this, ...others)
  }
  not(): BoolExpr {
    return new BoolExpr({ op: 'not', type: 'bool', arg: this.node })
  }
}

export function and(...args: BoolExpr[]): BoolExpr {
  return new BoolExpr({ op: 'and', type: 'bool', args: args.map((a) => a.node) })
}
export function or(...args: BoolExpr[]): BoolExpr {
  return new BoolExpr({ op: 'or', type: 'bool', args: args.map((a) => a.node) })
}

/** A constant. Strings, finite numbers and booleans only. */
export function lit<T extends Scalar>(value: T): Expr<T> {
  return wrap(literalNode(value)) as unknown as Expr<T>
}

/** Wraps a node in the expression class that matches its kind. */
export function wrap(node: ExprNode): Expr {
  switch (node.type) {
    case 'string':
      return new StringExpr(node)
    case 'bool':
      return new BoolExpr(node)
    default:
      return new NumberExpr(node) as unknown as Expr
  }
}

function literalNode(value: Scalar): ExprNode {
  if (typeof value === 'string') return { op: 'lit', type: 'string', value }
  if (typeof value === 'boolean') return { op: 'lit', type: 'bool', value }
  if (typeof value === 'number' && Number.isFinite(value)) return { op: 'lit', type: Number.isSafeInteger(value) ? 'int' : 'float', value }
  throw new TwinflowError('config', `literal ${String(value)} is not a string, boolean or finite number`)
}

function operand(value: Operand<Scalar>): ExprNode {
  return value instanceof Expr ? value.node : literalNode(value)
}

const isNumeric = (k: ValueKind) => k === 'int' || k === 'float' || k === 'time'

function checkLiteral(kind: ValueKind, value: Scalar): void {
  const ok = isNumeric(kind) ? typeof value === 'number' && Number.isFinite(value) : typeof value === (kind === 'bool' ? 'boolean' : 'string')
  if (!ok) throw new TwinflowError('config', `cannot compare a ${kind} expression with ${JSON.stringify(value)}`)
}

function compare(op: CompareOp, left: ExprNode, other: Operand<Scalar>): BoolExpr {
  const right = operand(other)
  const comparable = isNumeric(left.type) ? isNumeric(right.type) : left.type === right.type
  if (!comparable) throw new TwinflowError('config', `cannot compare ${left.type} with ${right.type}`)
  if ((op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') && !isNumeric(left.type)) {
    throw new TwinflowError('config', `${op} needs numbers; ${left.type} values only support eq, ne and in`)
  }
  return new BoolExpr({ op, type: 'bool', left, right })
}

function arith(op: ArithOp, left: ExprNode, other: Operand<number>): NumberExpr {
  const right = operand(other)
  if (!isNumeric(right.type)) throw new TwinflowError('config', `cannot ${op} a ${right.type}`)
  const type = op === 'div' || left.type === 'float' || right.type === 'float' ? 'float' : 'int'
  return new NumberExpr({ op, type, left, right })
}
