import { BoolExpr, NumberExpr, StringExpr, TimeExpr, type Expr } from '../expr/expr.ts'
import type { ExprNode } from '../expr/expr-node.ts'
import type { FieldType } from '../schema/field-type.ts'
import type { StreamFields } from '../schema/define-stream.ts'
import type { ValueKind } from '../schema/value-kind.ts'

/** The expression type a field of a stream turns into inside a view declaration (nullable for an optional field). */
export type ExprFor<F> =
  F extends FieldType<infer T, infer K extends ValueKind>
    ? K extends 'string'
      ? StringExpr<T & (string | null)>
      : K extends 'bool'
        ? BoolExpr<T & (boolean | null)>
        : K extends 'time'
          ? TimeExpr<T & (number | null)>
          : NumberExpr<T & (number | null)>
    : never

export type ExprRow<F extends StreamFields> = { readonly [K in keyof F]: ExprFor<F[K]> }

/** Field references of a stream, as typed expressions. */
export function exprRow<F extends StreamFields>(fields: F): ExprRow<F> {
  const row: Record<string, Expr> = {}
  for (const [name, type] of Object.entries(fields)) {
    const node: ExprNode = type.nullable === true ? { op: 'field', type: type.kind, name, nullable: true } : { op: 'field', type: type.kind, name }
    row[name] =
      type.kind === 'string'
        ? new StringExpr(node)
        : type.kind === 'bool'
          ? new BoolExpr(node)
          : type.kind === 'time'
            ? (new TimeExpr(node) as unknown as Expr)
            : (new NumberExpr(node) as unknown as Expr)
  }
  return row as ExprRow<F>
}
