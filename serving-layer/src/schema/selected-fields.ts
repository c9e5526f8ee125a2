import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql'

/**
 * The subfields selected under `nodes` (by default the field being resolved), by name, with their
 * nodes: directly, or in an inline fragment or a fragment spread at that level. Pass a name's
 * nodes back to look one level further down. `@skip` and `@include` are not evaluated: a subfield
 * they may leave out counts as selected, which costs at most a read that goes unused.
 */
export function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[] = info.fieldNodes): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>()
  const seen = new Set<string>()
  const collect = (set: SelectionSetNode | undefined): void => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        const same = fields.get(s.name.value)
        if (same) same.push(s)
        else fields.set(s.name.value, [s])
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        collect(s.selectionSet)
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value)
        collect(info.fragments[s.name.value]?.selectionSet)
      }
    }
  }
  for (const node of nodes) collect(node.selectionSet)
  return fields
}
