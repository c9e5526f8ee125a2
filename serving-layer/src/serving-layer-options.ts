import { TwinflowError } from '@twinflow/core'
import type { AuthOptions } from './auth/auth-options.ts'
import type { BatchPartCacheOptions } from './read/batch-part-cache.ts'

/** What one request may ask of the server. Every limit is checked before any data is read. */
export interface ServingLimits {
  /** Widest time range of one view query, in days. @default 366 */
  maxRangeDays?: number
  /** Most rows of one answer (the `limit` of a page or a top-N). @default 10000 */
  maxRows?: number
  /** Rows per page when `limit` is not given. @default 1000 */
  defaultRows?: number
  /** Most partial rows (batch and speed) one view query may merge. @default 1000000 */
  maxScanRows?: number
  /** Deepest selection, introspection included. @default 15 */
  maxDepth?: number
  /** Most aliases in an operation. @default 15 */
  maxAliases?: number
  /** Most tokens in a document; the parser stops there. @default 1000 */
  maxTokens?: number
  /** Highest graphql-armor cost of an operation. @default 5000 */
  maxCost?: number
  /** Most directives in an operation. @default 10 */
  maxDirectives?: number
  /** Largest request body, in bytes (HTTP 413 above). @default 65536 */
  maxBodyBytes?: number
  /** Introspection operations per client per minute (HTTP 429 above). @default 60 */
  introspectionPerMinute?: number
  /** Most subscriptions open at once on this server. @default 1000 */
  maxSubscriptions?: number
}

export interface CorsOptions {
  /** Allowed origins, e.g. `https://dashboard.example.com`; `*` for any. */
  origins: string[]
  /** @default false */
  credentials?: boolean
  /** @default 600 */
  maxAgeSeconds?: number
}

export interface ServingLayerOptions {
  /** @default '/graphql' */
  path?: string
  /** GraphiQL in the browser at the GraphQL path. @default true */
  graphiql?: boolean
  /** Schema introspection (GraphiQL needs it). @default true */
  introspection?: boolean
  limits?: ServingLimits
  /** @default { mode: 'none' } */
  auth?: AuthOptions
  /** Cross-origin access from browsers; off unless configured. @default false */
  cors?: CorsOptions | false
  cache?: BatchPartCacheOptions
  subscriptions?: {
    /** How often subscriptions check the speed layer's progress and the publications. @default 1000 */
    pollIntervalMs?: number
  }
  /** The speed layer's consumer group (freshness and subscriptions read its progress). @default 'twinflow-speed' */
  speedGroupId?: string
  /** One info log line per GraphQL request. @default true */
  accessLog?: boolean
}

export type ResolvedServingLimits = Required<ServingLimits>

export interface ResolvedServingOptions {
  path: string
  graphiql: boolean
  introspection: boolean
  limits: ResolvedServingLimits
  auth: AuthOptions
  cors: CorsOptions | false
  cache: Required<BatchPartCacheOptions>
  subscriptions: { pollIntervalMs: number }
  speedGroupId: string
  accessLog: boolean
}

export const SERVING_LIMIT_DEFAULTS: ResolvedServingLimits = {
  maxRangeDays: 366,
  maxRows: 10_000,
  defaultRows: 1_000,
  maxScanRows: 1_000_000,
  maxDepth: 15,
  maxAliases: 15,
  maxTokens: 1_000,
  maxCost: 5_000,
  maxDirectives: 10,
  maxBodyBytes: 65_536,
  introspectionPerMinute: 60,
  maxSubscriptions: 1_000,
}

/** Fills in the defaults and checks the limits; a `config` error names the option to fix. */
export function resolveServingOptions(options: ServingLayerOptions = {}): ResolvedServingOptions {
  const limits = { ...SERVING_LIMIT_DEFAULTS, ...definedOnly(options.limits ?? {}) }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new TwinflowError('config', `serving.limits.${name} must be an integer >= 1, got ${JSON.stringify(value)}`)
  }
  if (limits.defaultRows > limits.maxRows) throw new TwinflowError('config', `serving.limits.defaultRows (${limits.defaultRows}) must not exceed maxRows (${limits.maxRows})`)
  const path = options.path ?? '/graphql'
  if (!/^\/[\w\-/]*$/.test(path)) throw new TwinflowError('config', `serving.path must be a URL path such as /graphql, got ${JSON.stringify(path)}`)
  return {
    path,
    graphiql: options.graphiql ?? true,
    introspection: options.introspection ?? true,
    limits,
    auth: options.auth ?? { mode: 'none' },
    cors: options.cors ?? false,
    cache: { maxRows: options.cache?.maxRows ?? 250_000, chunkWindows: options.cache?.chunkWindows ?? 64 },
    subscriptions: { pollIntervalMs: options.subscriptions?.pollIntervalMs ?? 1000 },
    speedGroupId: options.speedGroupId ?? 'twinflow-speed',
    accessLog: options.accessLog ?? true,
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
