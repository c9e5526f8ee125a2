/** One API key: only its SHA-256 digest is configured, never the key itself. */
export interface ApiKeyEntry {
  /** Who holds the key (logged with each request). */
  name: string
  /** Hex SHA-256 of the key (`printf %s "$KEY" | sha256sum`). */
  sha256: string
  /** The views this key may read; `["*"]` for all. */
  views: string[]
}

export interface JwtAuthOptions {
  mode: 'jwt'
  /** Shared secret of HS256/384/512 tokens. Exactly one of secret, publicKey, jwksUrl. */
  secret?: string
  /** PEM (SPKI) public key of RS*, PS* or ES* tokens; needs `algorithms`. */
  publicKey?: string
  /** URL of the issuer's JSON Web Key Set. */
  jwksUrl?: string
  /** Accepted algorithms. @default ['HS256'] with a secret; required with a public key */
  algorithms?: string[]
  issuer?: string
  audience?: string
  /** Claim listing the views the bearer may read (an array, or a space-separated string; `*` for all). @default 'views' */
  viewsClaim?: string
  /** @default 30 */
  clockToleranceSeconds?: number
}

export interface ApiKeyAuthOptions {
  mode: 'api-key'
  /** Request header carrying the key. @default 'x-api-key' */
  header?: string
  keys: ApiKeyEntry[]
}

/** How callers authenticate. `none` lets anyone read every view. */
export type AuthOptions = { mode: 'none' } | ApiKeyAuthOptions | JwtAuthOptions
