import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { authOptionsSchema } from './auth/auth-options.ts'
import { batchPartCacheOptionsSchema } from './read/batch-part-cache-options.ts'

/** A limit: an integer from 1 to `max`, `fallback` when not given. */
const limit = (fallback: number, max: number) => z.int().min(1).max(max).default(fallback)

/** What one request may ask of the server: `serving.limits`. Every limit is checked before any data is read. */
export const servingLimitsSchema = z
  .strictObject({
    /** Widest time range of one view query, in days. @default 366 */
    maxRangeDays: limit(366, 36_600),
    /** Most rows of one answer (the `limit` of a page or a top-N). @default 10000 */
    maxRows: limit(10_000, 1_000_000),
    /** Rows per page when `limit` is not given; at most `maxRows`. @default 1000 */
    defaultRows: limit(1_000, 1_000_000),
    /** Most partial rows (batch and speed) one view query may read and merge (a page: the rows it reads). @default 1000000 */
    maxScanRows: limit(1_000_000, 100_000_000),
    /** Deepest selection, introspection included. @default 15 */
    maxDepth: limit(15, 100),
    /** Most aliases in an operation. @default 15 */
    maxAliases: limit(15, 1000),
    /** Most tokens in a document; the parser stops there. @default 1000 */
    maxTokens: limit(1_000, 1_000_000),
    /** Highest graphql-armor cost of an operation. @default 5000 */
    maxCost: limit(5_000, 10_000_000),
    /** Most directives in an operation. @default 10 */
    maxDirectives: limit(10, 1000),
    /** Largest request body, in bytes (HTTP 413 above). @default 65536 */
    maxBodyBytes: limit(65_536, 100 * 1024 * 1024),
    /** Introspection operations per client per minute (HTTP 429 above). @default 60 */
    introspectionPerMinute: limit(60, 1_000_000),
    /** Most subscriptions open at once on this server. @default 1000 */
    maxSubscriptions: limit(1_000, 1_000_000),
    /**
     * Longest the execution of one query may take, in ms (at most 10 minutes); past it the answer
     * is a `TIMEOUT` error and the request lets go of what it waits on. Subscriptions are not bound by it. @default 30000
     */
    executionTimeoutMs: limit(30_000, 600_000),
  })
  .refine((l) => l.defaultRows <= l.maxRows, {
    path: ['defaultRows'],
    error: (issue) => {
      const l = issue.input as { defaultRows: number; maxRows: number }
      return `must not exceed maxRows (${l.maxRows}), got ${l.defaultRows}`
    },
  })

/** Cross-origin access from browsers: `serving.cors`. */
export const corsOptionsSchema = z.strictObject({
  /** Allowed origins, e.g. `https://dashboard.example.com`; `*` for any. */
  origins: z.array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'must be an origin such as https://app.example.com, or *')).min(1),
  /** @default false */
  credentials: z.boolean().default(false),
  /** @default 600 */
  maxAgeSeconds: z.int().min(0).max(86_400).default(600),
})

/** Options of the serving layer (the GraphQL API): `serving` in the Twinflow config, but for its port and host. */
export const servingLayerOptionsSchema = z.strictObject({
  /** @default '/graphql' */
  path: z
    .string()
    .regex(/^\/[\w\-/]*$/, 'must be a URL path such as /graphql')
    .default('/graphql'),
  /** GraphiQL in the browser at the GraphQL path. @default true */
  graphiql: z.boolean().default(true),
  /**
   * The dashboard in the browser at `/ui` (charts of every view, the pipeline's health), served by
   * the process that serves the API, with the same authentication. @default true
   */
  dashboard: z.boolean().default(true),
  /** Schema introspection (GraphiQL needs it). @default true */
  introspection: z.boolean().default(true),
  limits: servingLimitsSchema.prefault({}),
  /** @default { mode: 'none' } */
  auth: authOptionsSchema.default({ mode: 'none' }),
  /** Cross-origin access from browsers; off unless configured. @default false */
  cors: z.union([z.literal(false), corsOptionsSchema]).default(false),
  cache: batchPartCacheOptionsSchema.prefault({}),
  subscriptions: z
    .strictObject({
      /** How often subscriptions check the speed layer's progress and the publications, in ms. @default 1000 */
      pollIntervalMs: z.int().min(10).max(60_000).default(1000),
    })
    .prefault({}),
  /** The speed layer's consumer group (freshness and subscriptions read its progress). @default 'twinflow-speed' */
  speedGroupId: z.string().min(1).default('twinflow-speed'),
  /** One info log line per GraphQL request. @default true */
  accessLog: z.boolean().default(true),
})

export type ServingLimits = z.input<typeof servingLimitsSchema>
export type ResolvedServingLimits = z.output<typeof servingLimitsSchema>
export type CorsOptions = z.output<typeof corsOptionsSchema>
export type ServingLayerOptions = z.input<typeof servingLayerOptionsSchema>
export type ResolvedServingOptions = z.output<typeof servingLayerOptionsSchema>

/** The limits' defaults, from the schema. */
export const SERVING_LIMIT_DEFAULTS: ResolvedServingLimits = servingLimitsSchema.parse({})

/**
 * Validates the serving layer's options (from code, or the config's `serving` section, which parse
 * to themselves) and fills in the defaults; a `config` error names each option to fix (`serving.limits.maxRows`).
 */
export function parseServingLayerOptions(raw: unknown): ResolvedServingOptions {
  return parseOptions(servingLayerOptionsSchema, raw ?? {}, 'serving')
}
