import { z } from 'zod'

const count = (max: number) => z.number().int().min(1).max(max).optional()

const limits = z
  .object({
    maxRangeDays: count(36_600),
    maxRows: count(1_000_000),
    defaultRows: count(1_000_000),
    maxScanRows: count(100_000_000),
    maxDepth: count(100),
    maxAliases: count(1000),
    maxTokens: count(1_000_000),
    maxCost: count(10_000_000),
    maxDirectives: count(1000),
    maxBodyBytes: count(100 * 1024 * 1024),
    introspectionPerMinute: count(1_000_000),
    maxSubscriptions: count(1_000_000),
  })
  .strict()
  .refine((l) => l.defaultRows === undefined || l.defaultRows <= (l.maxRows ?? 10_000), { message: 'defaultRows must not exceed maxRows', path: ['defaultRows'] })

const apiKey = z
  .object({
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64 hex digits of the SHA-256 of the key (printf %s "$KEY" | sha256sum)'),
    views: z.array(z.string().min(1)).min(1, 'list the views this key may read, or ["*"] for all'),
  })
  .strict()

const jwt = z
  .object({
    mode: z.literal('jwt'),
    secret: z.string().min(32, 'must be at least 32 characters (HS256 needs 256 bits)').optional(),
    publicKey: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' }).optional(),
    jwksUrl: z.url().optional(),
    algorithms: z
      .array(z.string().regex(/^(HS|RS|PS|ES)(256|384|512)$|^EdDSA$/, 'must be an algorithm such as HS256, RS256, ES256 or EdDSA'))
      .min(1)
      .optional(),
    issuer: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
    viewsClaim: z.string().min(1).optional(),
    clockToleranceSeconds: z.number().int().min(0).max(600).optional(),
  })
  .strict()
  .refine((j) => [j.secret, j.publicKey, j.jwksUrl].filter((x) => x !== undefined).length === 1, { message: 'give exactly one of secret, publicKey, jwksUrl' })
  .refine((j) => j.publicKey === undefined || (j.algorithms?.length ?? 0) > 0, { message: 'a publicKey needs algorithms, e.g. ["RS256"]', path: ['algorithms'] })

const auth = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }).strict(),
  z
    .object({
      mode: z.literal('api-key'),
      header: z
        .string()
        .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
        .optional(),
      keys: z.array(apiKey).min(1),
    })
    .strict(),
  jwt,
])

const cors = z.union([
  z.literal(false),
  z
    .object({
      origins: z.array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'must be an origin such as https://app.example.com, or *')).min(1),
      credentials: z.boolean().optional(),
      maxAgeSeconds: z.number().int().min(0).max(86_400).optional(),
    })
    .strict(),
])

/** The `serving` section of the config: the process's HTTP port, and the GraphQL API (see serving-layer's ServingLayerOptions). */
export const servingSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(4000),
    host: z.string().min(1).default('127.0.0.1'),
    path: z
      .string()
      .regex(/^\/[\w\-/]*$/, 'must be a URL path such as /graphql')
      .default('/graphql'),
    graphiql: z.boolean().default(true),
    introspection: z.boolean().default(true),
    accessLog: z.boolean().default(true),
    limits: limits.optional(),
    auth: auth.default({ mode: 'none' }),
    cors: cors.default(false),
    cache: z
      .object({ maxRows: count(100_000_000), chunkWindows: count(100_000) })
      .strict()
      .optional(),
    subscriptions: z
      .object({ pollIntervalMs: z.number().int().min(10).max(60_000).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({})
