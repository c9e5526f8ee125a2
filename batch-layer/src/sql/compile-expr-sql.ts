import { isNullable, sharedSql, type ExprNode, type Scalar } from '@twinflow/core'
import { columnType } from './column-type.ts'
import { compileCallSql } from './compile-call-sql.ts'
import { formatLiteral } from './format-literal.ts'
import { quoteIdentifier } from './quote-identifier.ts'
import { sqlLiteral as literal } from './sql-literal.ts'

const COMPARE = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' } as const
const ARITH = { add: '+', sub: '-', mul: '*', div: '/' } as const

/**
 * ClickHouse SQL of an expression, with the semantics of core's `compileEvaluator` (JavaScript):
 * - every operation is parenthesized, so SQL precedence never matters;
 * - booleans are UInt8 0/1 (bool fields are UInt8 columns, bool literals 1/0, comparisons and
 *   AND/OR/NOT give 0/1), so `eq` between booleans compares 0/1 as JS compares true/false;
 * - `/` is floating-point division in both, and NULL where the divisor is 0 (never ±inf or nan);
 * - `and()`/`or()` of no argument are 1/0 and of one argument that argument (ClickHouse's
 *   and/or functions take two or more);
 * - `x IN (...)` leaves out values that can never equal an integer x (fractions, values beyond
 *   2^53): old servers convert IN-list values to the column type, which would truncate 2.5 to 2;
 *   a float x is made +0 where it is -0 (IN hashes, and -0.0 hashes unlike 0.0).
 * Nulls: arithmetic and comparisons of a Nullable are NULL in every release; what releases do
 * differently is compiled explicitly. 18.16 answers `NULL AND 0` and `NULL IN (1)` with NULL and
 * 0 where SQL (and current releases) say 0 and NULL, and `if(NULL, a, b)` with NULL where current
 * releases take `b`: so three-valued AND/OR is arithmetic on 0/1/2 (false/null/true: AND is the
 * least, OR the greatest), `in` of a Nullable is NULL by an explicit test, and no `if` gets a
 * condition that can be NULL unless both branches are then NULL.
 * Integers are Int64 throughout (literals too): mixed integer types find different common types
 * in different releases (or none).
 * Only functions and syntax of ClickHouse 18.16 are used: no parameters, no DateTime64.
 */
export function compileExprSql(node: ExprNode): string {
  switch (node.op) {
    case 'field':
      return quoteIdentifier(node.name)
    case 'lit':
      if (node.value === null) return `CAST(NULL AS Nullable(${columnType(node.type)}))`
      // Integers as Int64, as every integer of an event is: a bare 0 is a UInt8, and current
      // releases type `0 % x` as UInt64, which has no common type with Int64 in an if().
      return node.type === 'int' ? `toInt64(${formatLiteral(node.value, 'int')})` : literal(node.value, node.type)
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
    case 'div': {
      if (node.op === 'div' && node.right.op !== 'lit') {
        // x / 0 is NULL, as in JS (both branches of if() are computed: x / 0 there is ±inf or nan, and dropped).
        const divisor = sharedSql(compileExprSql(node.right))
        return `if(${divisor.first} = 0, NULL, (${compileExprSql(node.left)} / ${divisor.again}))`
      }
      return `(${compileExprSql(node.left)} ${ARITH[node.op]} ${compileExprSql(node.right)})`
    }
    case 'and':
    case 'or': {
      if (node.args.length === 0) return node.op === 'and' ? '1' : '0'
      if (node.args.length === 1) return compileExprSql(node.args[0]!)
      if (!node.args.some(isNullable)) return `(${node.args.map(compileExprSql).join(node.op === 'and' ? ' AND ' : ' OR ')})`
      // false/null/true as 0/1/2; AND is the least, OR the greatest (least/greatest take two arguments on 18.16).
      const fold = node.op === 'and' ? 'least' : 'greatest'
      const levels = node.args.map((a) => (isNullable(a) ? `ifNull(toUInt8(${compileExprSql(a)}) * 2, 1)` : `(toUInt8(${compileExprSql(a)}) * 2)`))
      const folded = levels.reduce((acc, level) => `${fold}(${acc}, ${level})`)
      return `toUInt8(intDiv(nullIf(${folded}, 1), 2))`
    }
    case 'not':
      return `(NOT ${compileExprSql(node.arg)})`
    case 'in': {
      const integral = node.arg.type === 'int' || node.arg.type === 'time'
      const values = integral ? node.values.filter((v) => typeof v === 'number' && Number.isSafeInteger(v)) : node.values
      // A float -0 is +0 first: IN looks values up by hash, and -0.0 does not hash as 0.0 does.
      const arg = sharedSql(node.arg.type === 'float' ? `(${compileExprSql(node.arg)} + 0.0)` : compileExprSql(node.arg))
      if (values.length === 0) return isNullable(node.arg) ? `if(isNull(${arg.first}), NULL, 0)` : '0'
      const list = values.map((v) => literal(v, kindOf(v, node.arg.type))).join(', ')
      return isNullable(node.arg) ? `if(isNull(${arg.first}), NULL, (assumeNotNull(${arg.again}) IN (${list})))` : `(${arg.first} IN (${list}))`
    }
    case 'call':
      return compileCallSql(node, node.args.map(compileExprSql))
  }
}

/** The kind to write an IN-list value as: numbers by their own value (2.5 stays a float). */
function kindOf(value: Scalar, argKind: ExprNode['type']): ExprNode['type'] {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int' : 'float'
  return argKind
}
