import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql'

/**
 * Whether the field being resolved selects `name` among its own subfields (directly, or in an
 * inline fragment or a fragment spread at that level). `@skip` and `@include` are not evaluated:
 * a subfield they may leave out counts as selected, which costs at most a read that goes unused.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>()
  const inSet = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === name) return true
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (inSet(s.selectionSet)) return true
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value)
        if (inSet(info.fragments[s.name.value]?.selectionSet)) return true
      }
    }
    return false
  }
  return info.fieldNodes.some((node) => inSet(node.selectionSet))
}
