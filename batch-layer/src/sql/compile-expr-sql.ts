import type { ExprNode, Scalar } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'
import { quoteIdentifier } from './quote-identifier.ts'

const COMPARE = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const
const ARITH = { add: '+', sub: '-', mul: '*', div: '/' } as const

/**
 * ClickHouse SQL of an expression, with the semantics of core's `compileEvaluator` (JavaScript):
 * - every operation is parenthesized, so SQL precedence never matters;
 * - booleans are UInt8 0/1 (bool fields are UInt8 columns, bool literals 1/0, comparisons and
 *   AND/OR/NOT give 0/1), so `eq` between booleans compares 0/1 as JS compares true/false;
 * - `/` is floating-point division in both (x / 0 is ±inf or nan);
 * - `and()`/`or()` of no argument are 1/0 and of one argument that argument (ClickHouse's
 *   and/or functions take two or more);
 * - `x IN (...)` leaves out values that can never equal an integer x (fractions, values beyond
 *   2^53): old servers convert IN-list values to the column type, which would truncate 2.5 to 2.
 * Only functions and syntax of ClickHouse 18.16 are used: no parameters, no DateTime64.
 */
export function compileExprSql(node: ExprNode): string {
  switch (node.op) {
    case 'field':
      return quoteIdentifier(node.name)
    case 'lit':
      return literal(node.value, node.type)
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return `(${compileExprSql(node.left)} ${COMPARE[node.op]} ${compileExprSql(node.right)})`
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
      return `(${compileExprSql(node.left)} ${ARITH[node.op]} ${compileExprSql(node.right)})`
    case 'and':
    case 'or': {
      if (node.args.length === 0) return node.op === 'and' ? '1' : '0'
      if (node.args.length === 1) return compileExprSql(node.args[0]!)
      return `(${node.args.map(compileExprSql).join(node.op === 'and' ? ' AND ' : ' OR ')})`
    }
    case 'not':
      return `(NOT ${compileExprSql(node.arg)})`
    case 'in': {
      const integral = node.arg.type === 'int' || node.arg.type === 'time'
      const values = integral ? node.values.filter((v) => typeof v === 'number' && Number.isSafeInteger(v)) : node.values
      if (values.length === 0) return '0'
      return `(${compileExprSql(node.arg)} IN (${values.map((v) => literal(v, kindOf(v, node.arg.type))).join(', ')}))`
    }
  }
}

/** A literal, parenthesized when negative so that `a - -1` can never read as a comment (`--`). */
function literal(value: Scalar, kind: ExprNode['type']): string {
  const sql = formatLiteral(value, kind)
  return sql.startsWith('-') ? `(${sql})` : sql
}

/** The kind to write an IN-list value as: numbers by their own value (2.5 stays a float). */
function kindOf(value: Scalar, argKind: ExprNode['type']): ExprNode['type'] {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'float'
  return argKind
}
