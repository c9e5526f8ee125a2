import { childrenOf, type ExprNode, type ViewDef } from '@twinflow/core'
import { inlineDerived } from './inline-derived.ts'

/** The stream fields a view's build reads (event time, keys, measure arguments, filter and sample), derived fields written out; in first-use order. */
export function fieldsRead(view: ViewDef): string[] {
  const inline = inlineDerived(view)
  const names = new Set<string>([view.stream.timeField])
  const visit = (n: ExprNode): void => {
    if (n.op === 'field') names.add(n.name)
    else for (const child of childrenOf(n)) visit(child)
  }
  for (const key of view.keys) visit(inline(key.node))
  for (const m of view.measures) if (m.measure.arg) visit(inline(m.measure.arg))
  if (view.where) visit(inline(view.where))
  return [...names]
}
