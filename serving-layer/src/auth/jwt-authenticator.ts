import { createRemoteJWKSet, errors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { TwinflowError } from '@twinflow/core'
import type { AuthResult, Authenticator } from './authenticator.ts'
import type { JwtAuthOptions } from './auth-options.ts'
import { streamAccess, viewAccess } from './principal.ts'

type Key = Uint8Array | CryptoKey | JWTVerifyGetKey

/**
 * Authenticates by a JWT bearer token (jose): signature, expiry (an `exp` claim is required unless
 * `requireExpiry` is false; `clockToleranceSeconds` of skew), issuer and audience; views and
 * ingest streams from claims. Takes options jwtAuthOptionsSchema parsed (exactly one key source; a publicKey has algorithms).
 */
export class JwtAuthenticator implements Authenticator {
  readonly challenge = 'Bearer'
  #key: Promise<Key>
  readonly #algorithms: string[] | undefined
  readonly #viewsClaim: string

  constructor(private readonly options: JwtAuthOptions) {
    this.#algorithms = options.algorithms ?? (options.secret !== undefined ? ['HS256'] : undefined)
    this.#viewsClaim = options.viewsClaim
    this.#key =
      options.secret !== undefined
        ? Promise.resolve(new TextEncoder().encode(options.secret))
        : options.publicKey !== undefined
          ? importSPKI(options.publicKey, options.algorithms![0]!)
          : Promise.resolve(createRemoteJWKSet(new URL(options.jwksUrl!)))
    this.#key.catch(() => {}) // reported on first use, and by `ready()`
  }

  /** Resolves when the key is usable; rejects with a `config` error for a bad public key. */
  async ready(): Promise<void> {
    try {
      await this.#key
    } catch (error) {
      throw new TwinflowError('config', `serving.auth.publicKey is not a PEM public key for ${this.#algorithms?.[0]}: ${(error as Error).message}`, { cause: error })
    }
  }

  async authenticate(headers: Headers): Promise<AuthResult> {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')
    if (!match) return { ok: false, reason: 'a bearer token is required in the Authorization header' }
    let payload: JWTPayload
    try {
      const key = await this.#key
      const options = {
        algorithms: this.#algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: this.options.requireExpiry ? ['exp'] : [],
      }
      payload = (typeof key === 'function' ? await jwtVerify(match[1]!, key, options) : await jwtVerify(match[1]!, key, options)).payload
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, reason: 'the token has expired' }
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp' && error.reason === 'missing') {
        return { ok: false, reason: 'the token has no expiry: an "exp" claim is required' }
      }
      if (error instanceof errors.JOSEError) return { ok: false, reason: `the token is not valid: ${error.message}` }
      throw error
    }
    const name = payload.sub ?? 'jwt'
    const views = viewAccess(listClaim(payload[this.#viewsClaim]))
    const ingest = streamAccess(listClaim(payload[this.options.ingestClaim]))
    return { ok: true, principal: ingest === undefined ? { name, views } : { name, views, ingest } }
  }
}

/** A claim that lists names: an array of strings, or a space-separated string. */
function listClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((v): v is string => typeof v === 'string')
  return typeof claim === 'string' ? claim.split(/\s+/).filter(Boolean) : []
}
