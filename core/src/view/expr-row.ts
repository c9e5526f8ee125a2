import { BoolExpr, NumberExpr, StringExpr, type Expr } from '../expr/expr.ts'
import type { FieldType } from '../schema/field-type.ts'
import type { StreamFields } from '../schema/define-stream.ts'
import type { ValueKind } from '../schema/value-kind.ts'

/** The expression type a field of a stream turns into inside a view declaration. */
export type ExprFor<F> = F extends FieldType<infer T, infer K extends ValueKind> ? (K extends 'string' ? StringExpr<T & string> : K extends 'bool' ? BoolExpr : NumberExpr) : never

export type ExprRow<F extends StreamFields> = { readonly [K in keyof F]: ExprFor<F[K]> }

/** Field references of a stream, as typed expressions. */
export function exprRow<F extends StreamFields>(fields: F): ExprRow<F> {
  const row: Record<string, Expr> = {}
  for (const [name, type] of Object.entries(fields)) {
    const node = { op: 'field' as const, type: type.kind, name }
    row[name] = type.kind === 'string' ? new StringExpr(node) : type.kind === 'bool' ? new BoolExpr(node) : new NumberExpr(node)
  }
  return row as ExprRow<F>
}
