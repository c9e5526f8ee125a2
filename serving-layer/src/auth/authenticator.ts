import type { Principal } from './principal.ts'

export type AuthResult = { ok: true; principal: Principal } | { ok: false; reason: string }

/**
 * Finds who sent a request from its headers. A missing or wrong credential is a result
 * (`ok: false` with the reason to show the client), not an exception.
 */
export interface Authenticator {
  /** The `WWW-Authenticate` challenge of a 401 answer. */
  readonly challenge: string
  authenticate(headers: Headers): Promise<AuthResult>
  /** Resolves when usable (e.g. a key is imported); rejects with a `config` error that says what to fix. */
  ready?(): Promise<void>
}
