import type { Principal } from '../auth/principal.ts'
import type { ReadSession } from '../read/read-session.ts'

/** The GraphQL context of one request. */
export interface ServingContext {
  principal: Principal
  /** The request's batched reads. */
  session: ReadSession
}
