import { createHash } from 'node:crypto'
import type { AuthResult, Authenticator } from './authenticator.ts'
import type { ApiKeyAuthOptions } from './auth-options.ts'
import { streamAccess, viewAccess, type Principal } from './principal.ts'

/** Authenticates by an API key in a header, compared by its SHA-256 digest (keys are never stored). */
export class ApiKeyAuthenticator implements Authenticator {
  readonly challenge: string
  readonly #header: string
  readonly #byDigest = new Map<string, Principal>()

  constructor(options: ApiKeyAuthOptions) {
    this.#header = options.header.toLowerCase()
    this.challenge = `ApiKey header="${this.#header}"`
    for (const key of options.keys) {
      const ingest = streamAccess(key.ingest)
      this.#byDigest.set(
        key.sha256.toLowerCase(),
        ingest === undefined ? { name: key.name, views: viewAccess(key.views) } : { name: key.name, views: viewAccess(key.views), ingest },
      )
    }
  }

  async authenticate(headers: Headers): Promise<AuthResult> {
    const key = headers.get(this.#header)
    if (!key) return { ok: false, reason: `an API key is required in the ${this.#header} header` }
    const principal = this.#byDigest.get(createHash('sha256').update(key).digest('hex'))
    return principal ? { ok: true, principal } : { ok: false, reason: 'the API key is not valid' }
  }
}
