import { AsyncLocalStorage } from 'node:async_hooks'

/** What is known of the HTTP request being served, wherever its handling goes (logs, error masking). */
export interface RequestScope {
  readonly requestId: string
  readonly clientAddress: string
  /** Set once authenticated. */
  principal?: string
  /** Set once the operation is known: `query`, `subscription`... */
  operation?: string
}

const storage = new AsyncLocalStorage<RequestScope>()

/** Runs the handling of one request in its scope. */
export function runInRequestScope<T>(scope: RequestScope, handle: () => T): T {
  return storage.run(scope, handle)
}

/** The scope of the request being handled, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore()
}
