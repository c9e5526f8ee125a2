/** Who sent a request, and which views they may read. */
export interface Principal {
  /** The API key's name, the JWT subject, or `anonymous` when authentication is off. */
  readonly name: string
  /** The views this caller may read: all of them, or these. */
  readonly views: 'all' | ReadonlySet<string>
}

/** The caller when authentication is off: may read every view. */
export const ANONYMOUS: Principal = { name: 'anonymous', views: 'all' }

export function canRead(principal: Principal, view: string): boolean {
  return principal.views === 'all' || principal.views.has(view)
}

/** A view list from the config or a token: `*` alone means every view. */
export function viewAccess(views: readonly string[]): Principal['views'] {
  return views.includes('*') ? 'all' : new Set(views)
}
