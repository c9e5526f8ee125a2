import type { Scalar, ValueKind } from '../schema/value-kind.ts'
import type { FunctionName } from './function-name.ts'

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
export type ArithOp = 'add' | 'sub' | 'mul' | 'div'

/**
 * The analyzable form of a view's expressions. The batch layer compiles it to ClickHouse SQL,
 * the speed layer to JavaScript; both must agree (a property test holds them to it).
 * Every node carries the kind of value it produces, and `nullable: true` when it can be null (an
 * optional field, an expression over one, a null literal): nulls follow SQL (see `compileEvaluator`).
 * `call` is a function of `functions.ts`: `args` are expressions, `params` constants of its
 * declaration (a time zone, a substring's bounds, a replacement).
 */
export type ExprNode =
  | { readonly op: 'field'; readonly type: ValueKind; readonly nullable?: boolean; readonly name: string }
  | { readonly op: 'lit'; readonly type: ValueKind; readonly nullable?: boolean; readonly value: Scalar | null }
  | { readonly op: CompareOp; readonly type: 'bool'; readonly nullable?: boolean; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: ArithOp; readonly type: 'int' | 'float'; readonly nullable?: boolean; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'and' | 'or'; readonly type: 'bool'; readonly nullable?: boolean; readonly args: readonly ExprNode[] }
  | { readonly op: 'not'; readonly type: 'bool'; readonly nullable?: boolean; readonly arg: ExprNode }
  | { readonly op: 'in'; readonly type: 'bool'; readonly nullable?: boolean; readonly arg: ExprNode; readonly values: readonly Scalar[] }
  | {
      readonly op: 'call'
      readonly fn: FunctionName
      readonly type: ValueKind
      readonly nullable?: boolean
      readonly args: readonly ExprNode[]
      readonly params: readonly Scalar[]
    }

/** Whether a node can evaluate to null. */
export function isNullable(node: ExprNode): boolean {
  return node.nullable === true
}

/** The direct sub-expressions of a node, in order. */
export function childrenOf(node: ExprNode): readonly ExprNode[] {
  switch (node.op) {
    case 'field':
    case 'lit':
      return []
    case 'and':
    case 'or':
    case 'call':
      return node.args
    case 'not':
    case 'in':
      return [node.arg]
    default:
      return [node.left, node.right]
  }
}
