import type { Scalar, ValueKind } from '../schema/value-kind.ts'

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
export type ArithOp = 'add' | 'sub' | 'mul' | 'div'

/**
 * The analyzable form of a view's expressions. The batch layer compiles it to ClickHouse SQL,
 * the speed layer to JavaScript; both must agree (a property test holds them to it).
 * Every node carries the kind of value it produces.
 */
export type ExprNode =
  | { readonly op: 'field'; readonly type: ValueKind; readonly name: string }
  | { readonly op: 'lit'; readonly type: ValueKind; readonly value: Scalar }
  | { readonly op: CompareOp; readonly type: 'bool'; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: ArithOp; readonly type: 'int' | 'float'; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'and' | 'or'; readonly type: 'bool'; readonly args: readonly ExprNode[] }
  | { readonly op: 'not'; readonly type: 'bool'; readonly arg: ExprNode }
  | { readonly op: 'in'; readonly type: 'bool'; readonly arg: ExprNode; readonly values: readonly Scalar[] }
