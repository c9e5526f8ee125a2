import type { ExprNode, ViewDef } from '@twinflow/core'

/**
 * For the view's expressions: the expression with every reference to a derived field replaced by
 * that field's expression, so that it reads stream fields only. Derived fields are defined over the
 * stream's fields alone (`derive` gets the stream's row), so one substitution is enough.
 */
export function inlineDerived(view: ViewDef): (node: ExprNode) => ExprNode {
  if (view.derived.length === 0) return (node) => node
  const derived = new Map(view.derived.map((d) => [d.name, d.node]))
  const visit = (n: ExprNode): ExprNode => {
    switch (n.op) {
      case 'field':
        return derived.get(n.name) ?? n
      case 'lit':
        return n
      case 'and':
      case 'or':
      case 'call':
        return { ...n, args: n.args.map(visit) }
      case 'not':
      case 'in':
        return { ...n, arg: visit(n.arg) }
      default:
        return { ...n, left: visit(n.left), right: visit(n.right) }
    }
  }
  return visit
}
