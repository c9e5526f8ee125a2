import type { Scalar } from '../schema/value-kind.ts'
import type { ExprNode } from './expr-node.ts'

export type Evaluator = (row: Record<string, unknown>) => Scalar

/**
 * Compiles an expression to a JavaScript closure over a validated event (plus derived fields).
 * Semantics match the ClickHouse SQL the batch layer generates for the same node.
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
    case 'add':
    case 'sub':
    case 'mul':
    case 'div': {
      const l = compileEvaluator(node.left)
      const r = compileEvaluator(node.right)
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
    case 'and': {
      const args = node.args.map(compileEvaluator)
      return (row) => args.every((a) => a(row) === true)
    }
    case 'or': {
      const args = node.args.map(compileEvaluator)
      return (row) => args.some((a) => a(row) === true)
    }
    case 'not': {
      const arg = compileEvaluator(node.arg)
      return (row) => arg(row) !== true
    }
    case 'in': {
      const arg = compileEvaluator(node.arg)
      const set = new Set<Scalar>(node.values)
      return (row) => set.has(arg(row))
    }
  }
}
