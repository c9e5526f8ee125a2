import type { ExprNode, Scalar } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'

/** A literal of generated SQL, parenthesized when negative so that `a - -1` can never read as a comment (`--`). */
export function sqlLiteral(value: Scalar, kind: ExprNode['type']): string {
  const sql = formatLiteral(value, kind)
  return sql.startsWith('-') ? `(${sql})` : sql
}
