/** Who sent a request, which views they may read, and into which streams they may send events. */
export interface Principal {
  /** The API key's name, the JWT subject, or `anonymous` when authentication is off. */
  readonly name: string
  /** The views this caller may read: all of them, or these. */
  readonly views: 'all' | ReadonlySet<string>
  /** The streams this caller may send events into over HTTP (the `ingest` permission): all, these, or none when absent. */
  readonly ingest?: 'all' | ReadonlySet<string>
}

/** The caller when authentication is off: may read every view and send events into every stream. */
export const ANONYMOUS: Principal = { name: 'anonymous', views: 'all', ingest: 'all' }

export function canRead(principal: Principal, view: string): boolean {
  return principal.views === 'all' || principal.views.has(view)
}

/** Whether the caller may send events into `stream` (an HTTP ingest route). */
export function canIngest(principal: Principal, stream: string): boolean {
  return principal.ingest !== undefined && (principal.ingest === 'all' || principal.ingest.has(stream))
}

/** A view list from the config or a token: `*` alone means every view. */
export function viewAccess(views: readonly string[]): Principal['views'] {
  return views.includes('*') ? 'all' : new Set(views)
}

/** A stream list (the `ingest` permission) from the config or a token: `*` means every stream; empty or absent, none. */
export function streamAccess(streams: readonly string[] | undefined): Principal['ingest'] {
  if (streams === undefined || streams.length === 0) return undefined
  return streams.includes('*') ? 'all' : new Set(streams)
}
