import type { ExprNode, ViewDef } from '@twinflow/core'
import { inlineDerived } from './inline-derived.ts'

/** The stream fields a view's build reads (event time, keys, measure arguments, filter), derived fields written out; in first-use order. */
export function fieldsRead(view: ViewDef): string[] {
  const inline = inlineDerived(view)
  const names = new Set<string>([view.stream.timeField])
  const visit = (n: ExprNode): void => {
    switch (n.op) {
      case 'field':
        names.add(n.name)
        return
      case 'lit':
        return
      case 'and':
      case 'or':
        for (const arg of n.args) visit(arg)
        return
      case 'not':
      case 'in':
        visit(n.arg)
        return
      default:
        visit(n.left)
        visit(n.right)
    }
  }
  for (const key of view.keys) visit(inline(key.node))
  for (const m of view.measures) if (m.measure.arg) visit(inline(m.measure.arg))
  if (view.where) visit(inline(view.where))
  return [...names]
}
