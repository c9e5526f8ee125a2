import { GraphQLError } from 'graphql'
import { canRead, type Principal } from '../auth/principal.ts'

/** Throws FORBIDDEN unless the caller may read the view. */
export function assertCanRead(principal: Principal, view: string): void {
  if (!canRead(principal, view)) {
    throw new GraphQLError(`"${principal.name}" may not read view "${view}"`, { extensions: { code: 'FORBIDDEN', view } })
  }
}
