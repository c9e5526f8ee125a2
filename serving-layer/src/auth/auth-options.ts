import { z } from 'zod'

/** One API key: only its SHA-256 digest is configured, never the key itself. */
export const apiKeyEntrySchema = z
  .strictObject({
    /** Who holds the key (logged with each request). */
    name: z.string().min(1),
    /** Hex SHA-256 of the key (`printf %s "$KEY" | sha256sum`). */
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the SHA-256 of the key (printf %s "$KEY" | sha256sum)'),
    /** The views this key may read; `["*"]` for all. @default [] (none: a key that only sends events) */
    views: z.array(z.string().min(1)).default([]),
    /** The streams this key may send events into over HTTP (`POST /ingest/<stream>`); `["*"]` for all. @default [] (none) */
    ingest: z.array(z.string().min(1)).default([]),
  })
  .refine((k) => k.views.length > 0 || k.ingest.length > 0, {
    error: 'list the views this key may read (views, ["*"] for all) or the streams it may send events into (ingest), or both',
    path: ['views'],
  })

/** `none`: anyone reads every view. */
export const noAuthOptionsSchema = z.strictObject({ mode: z.literal('none') })

/** API keys in a request header. */
export const apiKeyAuthOptionsSchema = z.strictObject({
  mode: z.literal('api-key'),
  /** Request header carrying the key. @default 'x-api-key' */
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('x-api-key'),
  keys: z.array(apiKeyEntrySchema).min(1),
})

/** JWT bearer tokens. */
export const jwtAuthOptionsSchema = z
  .strictObject({
    mode: z.literal('jwt'),
    /** Shared secret of HS256/384/512 tokens. Exactly one of secret, publicKey, jwksUrl. Never echoed in errors. */
    secret: z.string({ error: 'must be a string' }).min(32, 'must be at least 32 characters (HS256 needs 256 bits)').optional(),
    /** PEM (SPKI) public key of RS*, PS* or ES* tokens; needs `algorithms`. */
    publicKey: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' }).optional(),
    /** URL of the issuer's JSON Web Key Set. */
    jwksUrl: z.url().optional(),
    /** Accepted algorithms. @default ['HS256'] with a secret; required with a public key */
    algorithms: z
      .array(z.string().regex(/^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/, 'must be an algorithm such as HS256, RS256, ES256 or EdDSA'))
      .min(1)
      .optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    /** Claim listing the views the bearer may read (an array, or a space-separated string; `*` for all). @default 'views' */
    viewsClaim: z.string().min(1).default('views'),
    /** Claim listing the streams the bearer may send events into over HTTP (an array, or a space-separated string; `*` for all). @default 'ingest' */
    ingestClaim: z.string().min(1).default('ingest'),
    /**
     * Clock skew allowed when checking `exp` and `nbf`, in seconds: at most 300 (5 minutes), since
     * every second of it keeps an expired token valid. @default 30
     */
    clockToleranceSeconds: z.int().min(0).max(300).default(30),
    /**
     * A token must carry an `exp` claim. `false` also accepts tokens without one: unsafe, such a
     * token never expires, and one that leaks is good until the key changes. @default true
     */
    requireExpiry: z.boolean().default(true),
  })
  .refine((j) => [j.secret, j.publicKey, j.jwksUrl].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of secret, publicKey, jwksUrl' })
  .refine((j) => j.publicKey === undefined || (j.algorithms?.length ?? 0) > 0, { message: 'a publicKey needs algorithms, e.g. ["RS256"]', path: ['algorithms'] })

/** How callers authenticate: `serving.auth` in the config. @default { mode: 'none' } */
export const authOptionsSchema = z.discriminatedUnion('mode', [noAuthOptionsSchema, apiKeyAuthOptionsSchema, jwtAuthOptionsSchema])

export type ApiKeyEntry = z.output<typeof apiKeyEntrySchema>
export type ApiKeyAuthOptions = z.output<typeof apiKeyAuthOptionsSchema>
export type JwtAuthOptions = z.output<typeof jwtAuthOptionsSchema>
export type AuthOptions = z.output<typeof authOptionsSchema>
export type AuthOptionsInput = z.input<typeof authOptionsSchema>
