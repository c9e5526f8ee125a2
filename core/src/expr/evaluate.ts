import type { Scalar } from '../schema/value-kind.ts'
import { compileCall, type Evaluator } from './compile-call.ts'
import { isNullable, type ExprNode } from './expr-node.ts'

export type { Evaluator, Value } from './compile-call.ts'

/**
 * Compiles an expression to a JavaScript closure over a validated event (plus derived fields).
 * Semantics match the ClickHouse SQL the batch layer generates for the same node. Nulls follow SQL:
 * arithmetic, comparisons, `in` and functions of a null are null (but `isNull`, `coalesce`, `if`);
 * `and`/`or`/`not` are three-valued (false and null is false, true or null is true); a filter keeps
 * only what is true. Nodes that cannot be null compile to closures that never test for it.
 */
export function compileEvaluator(node: ExprNode): Evaluator {
  switch (node.op) {
    case 'field': {
      const name = node.name
      return (row) => row[name] as Scalar
    }
    case 'lit': {
      const value = node.value
      return () => value
    }
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const l = compileEvaluator(node.left)
      const r = compileEvaluator(node.right)
      if (!isNullable(node.left) && !isNullable(node.right)) {
        // One closure per operator (not a shared one calling a comparison): the speed layer's hot path.
        switch (node.op) {
          case 'eq':
            return (row) => l(row) === r(row)
          case 'ne':
            return (row) => l(row) !== r(row)
          case 'lt':
            return (row) => (l(row) as number) < (r(row) as number)
          case 'le':
            return (row) => (l(row) as number) <= (r(row) as number)
          case 'gt':
            return (row) => (l(row) as number) > (r(row) as number)
          default:
            return (row) => (l(row) as number) >= (r(row) as number)
        }
      }
      const compare = comparison(node.op)
      return (row) => {
        const a = l(row)
        const b = r(row)
        return a === null || b === null ? null : compare(a, b)
      }
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div': {
      const l = compileEvaluator(node.left)
      const r = compileEvaluator(node.right)
      // x / 0 is null (the node is nullable unless its divisor is a constant, never 0).
      if (node.op === 'div' && isNullable(node)) {
        return (row) => {
          const a = l(row)
          const b = r(row)
          return a === null || b === null || b === 0 ? null : (a as number) / (b as number)
        }
      }
      if (!isNullable(node.left) && !isNullable(node.right)) {
        switch (node.op) {
          case 'add':
            return (row) => (l(row) as number) + (r(row) as number)
          case 'sub':
            return (row) => (l(row) as number) - (r(row) as number)
          case 'mul':
            return (row) => (l(row) as number) * (r(row) as number)
          default:
            return (row) => (l(row) as number) / (r(row) as number)
        }
      }
      const apply = arithmetic(node.op)
      return (row) => {
        const a = l(row)
        const b = r(row)
        return a === null || b === null ? null : apply(a as number, b as number)
      }
    }
    case 'and': {
      const args = node.args.map(compileEvaluator)
      if (!node.args.some(isNullable)) return (row) => args.every((a) => a(row) === true)
      return (row) => {
        let unknown = false
        for (const a of args) {
          const v = a(row)
          if (v === false) return false
          if (v === null) unknown = true
        }
        return unknown ? null : true
      }
    }
    case 'or': {
      const args = node.args.map(compileEvaluator)
      if (!node.args.some(isNullable)) return (row) => args.some((a) => a(row) === true)
      return (row) => {
        let unknown = false
        for (const a of args) {
          const v = a(row)
          if (v === true) return true
          if (v === null) unknown = true
        }
        return unknown ? null : false
      }
    }
    case 'not': {
      const arg = compileEvaluator(node.arg)
      if (!isNullable(node.arg)) return (row) => arg(row) !== true
      return (row) => {
        const v = arg(row)
        return v === null ? null : v !== true
      }
    }
    case 'in': {
      const arg = compileEvaluator(node.arg)
      const set = new Set<Scalar>(node.values)
      if (!isNullable(node.arg)) return (row) => set.has(arg(row) as Scalar)
      return (row) => {
        const v = arg(row)
        return v === null ? null : set.has(v)
      }
    }
    case 'call':
      return compileCall(node, node.args.map(compileEvaluator))
  }
}

function comparison(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'): (a: Scalar, b: Scalar) => boolean {
  switch (op) {
    case 'eq':
      return (a, b) => a === b
    case 'ne':
      return (a, b) => a !== b
    case 'lt':
      return (a, b) => a < b
    case 'le':
      return (a, b) => a <= b
    case 'gt':
      return (a, b) => a > b
    default:
      return (a, b) => a >= b
  }
}

function arithmetic(op: 'add' | 'sub' | 'mul' | 'div'): (a: number, b: number) => number {
  switch (op) {
    case 'add':
      return (a, b) => a + b
    case 'sub':
      return (a, b) => a - b
    case 'mul':
      return (a, b) => a * b
    default:
      return (a, b) => a / b
  }
}
