/**
 * What the page needs to know of the server it is served by, written into its HTML: where the
 * GraphQL API is, and how a caller authenticates (so the page asks for a key or a token once).
 */
export interface DashboardSettings {
  /** The URL path the dashboard is mounted at, e.g. `/ui` (its pages are under it). */
  mountPath: string
  /** The GraphQL endpoint's path on the same origin, e.g. `/graphql`. */
  graphqlPath: string
  /** `none`: no credential; `api-key`: a key sent in `header`; `jwt`: a bearer token. */
  auth: { mode: 'none' } | { mode: 'api-key'; header: string } | { mode: 'jwt' }
  /**
   * The views, as `pipeline { views }` answers VIEWS_QUERY, when every caller may read them all
   * (no authentication); left out otherwise, and the page asks with the caller's credential.
   */
  views?: unknown[]
}
