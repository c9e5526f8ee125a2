import type { Principal } from '../auth/principal'
import type { ReadSession } from '../read/read-session'

/** The GraphQL context of one request. */
export interface ServingContext {
  principal: Principal
  /** The request's batched reads. */
  session: ReadSession
}
