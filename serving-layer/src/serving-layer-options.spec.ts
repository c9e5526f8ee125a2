import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseServingLayerOptions, SERVING_LIMIT_DEFAULTS } from './serving-layer-options.ts'

function problems(raw: unknown): string {
  try {
    parseServingLayerOptions(raw)
  } catch (error) {
    expect(TwinflowError.is(error, 'config')).toBe(true)
    return (error as Error).message
  }
  return 'no error'
}

describe('parseServingLayerOptions', () => {
  it('fills in the documented defaults', () => {
    expect(parseServingLayerOptions(undefined)).toEqual({
      path: '/graphql',
      graphiql: true,
      dashboard: true,
      introspection: true,
      limits: SERVING_LIMIT_DEFAULTS,
      auth: { mode: 'none' },
      cors: false,
      cache: { maxRows: 250_000, chunkWindows: 64 },
      subscriptions: { pollIntervalMs: 1000 },
      speedGroupId: 'twinflow-speed',
      accessLog: true,
    })
    expect(SERVING_LIMIT_DEFAULTS).toMatchObject({ maxRangeDays: 366, maxRows: 10_000, defaultRows: 1_000, maxScanRows: 1_000_000, maxDepth: 15, executionTimeoutMs: 30_000 })
    expect(parseServingLayerOptions({ limits: { maxRows: 50, defaultRows: 20, maxDepth: undefined } }).limits).toMatchObject({ maxRows: 50, defaultRows: 20, maxDepth: 15 })
  })

  it('fills in the defaults of API keys, JWT and CORS, and gives back options it parsed', () => {
    const sha256 = 'a'.repeat(64)
    expect(parseServingLayerOptions({ auth: { mode: 'api-key', keys: [{ name: 'dash', sha256, views: ['*'] }] } }).auth).toEqual({
      mode: 'api-key',
      header: 'x-api-key',
      keys: [{ name: 'dash', sha256, views: ['*'], ingest: [] }],
    })
    const parsed = parseServingLayerOptions({
      auth: { mode: 'jwt', jwksUrl: 'https://auth.example.com/.well-known/jwks.json', audience: 'twinflow' },
      cors: { origins: ['https://dash.example.com'] },
    })
    expect(parsed.auth).toEqual({
      mode: 'jwt',
      jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
      audience: 'twinflow',
      viewsClaim: 'views',
      ingestClaim: 'ingest',
      clockToleranceSeconds: 30,
      requireExpiry: true,
    })
    expect(parsed.cors).toEqual({ origins: ['https://dash.example.com'], credentials: false, maxAgeSeconds: 600 })
    expect(parseServingLayerOptions(parsed)).toEqual(parsed)
  })

  it('names the option to fix and says what it must be', () => {
    expect(problems({ limits: { maxTokens: 0 } })).toContain('  - serving.limits.maxTokens: must be an integer from 1 to 1000000, got 0')
    expect(problems({ limits: { executionTimeoutMs: 0 } })).toContain('  - serving.limits.executionTimeoutMs: must be an integer from 1 to 600000, got 0')
    expect(problems({ limits: { executionTimeoutMs: 3_600_000 } })).toContain('  - serving.limits.executionTimeoutMs: must be an integer from 1 to 600000, got 3600000')
    expect(problems({ limits: { maxRows: 10 } })).toContain('  - serving.limits.defaultRows: must not exceed maxRows (10), got 1000')
    expect(problems({ limits: { maxRows: 10, defaultRows: 100 } })).toContain('  - serving.limits.defaultRows: must not exceed maxRows (10), got 100')
    expect(problems({ limits: { maxDepht: 3 } })).toContain('  - serving.limits: unknown option "maxDepht"; known options: maxRangeDays, maxRows, defaultRows')
    expect(problems({ path: 'graphql' })).toContain('  - serving.path: must be a URL path such as /graphql')
    expect(problems({ graphiql: 'yes' })).toContain('  - serving.graphiql: must be true or false, got "yes"')
    expect(problems({ cache: { chunkWindows: 0 } })).toContain('  - serving.cache.chunkWindows: must be an integer from 1 to 100000, got 0')
    expect(problems({ subscriptions: { pollIntervalMs: 1 } })).toContain('  - serving.subscriptions.pollIntervalMs: must be an integer from 10 to 60000, got 1')
    expect(problems({ speedGroupId: '' })).toContain('  - serving.speedGroupId: must be a non-empty string, got ""')
    expect(problems({ port: 4000 })).toContain('  - serving: unknown option "port"')
  })

  it('says what to fix in the auth and CORS settings', () => {
    const key = { name: 'dash', sha256: 'a'.repeat(64), views: ['*'] }
    expect(problems({ auth: { mode: 'api-key', keys: [{ ...key, sha256: 'secret' }] } })).toContain(
      '  - serving.auth.keys.0.sha256: must be the 64 hex digits of the SHA-256 of the key (printf %s "$KEY" | sha256sum)',
    )
    expect(problems({ auth: { mode: 'api-key', keys: [{ ...key, views: [] }] } })).toContain(
      '  - serving.auth.keys.0.views: list the views this key may read (views, ["*"] for all) or the streams it may send events into (ingest), or both',
    )
    expect(problems({ auth: { mode: 'api-key', keys: [] } })).toContain('  - serving.auth.keys: must be a non-empty list, got []')
    expect(problems({ auth: { mode: 'api-key', header: 'x key', keys: [key] } })).toContain('  - serving.auth.header: must be an HTTP header name')
    expect(problems({ auth: { mode: 'jwt', secret: 'short' } })).toContain('  - serving.auth.secret: must be at least 32 characters (HS256 needs 256 bits)')
    expect(problems({ auth: { mode: 'jwt', secret: 'short' } })).not.toContain('"short"')
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), jwksUrl: 'https://a.example.com/jwks' } })).toContain(
      '  - serving.auth: give exactly one of secret, publicKey, jwksUrl',
    )
    expect(problems({ auth: { mode: 'jwt' } })).toContain('  - serving.auth: give exactly one of secret, publicKey, jwksUrl')
    expect(problems({ auth: { mode: 'jwt', publicKey: '-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----' } })).toContain(
      '  - serving.auth.algorithms: a publicKey needs algorithms, e.g. ["RS256"]',
    )
    expect(problems({ auth: { mode: 'jwt', publicKey: 'x' } })).toContain('  - serving.auth.publicKey: must be a PEM public key (-----BEGIN PUBLIC KEY-----)')
    expect(problems({ auth: { mode: 'jwt', jwksUrl: 'https://a.example.com/jwks', algorithms: ['MD5'] } })).toContain(
      '  - serving.auth.algorithms.0: must be an algorithm such as HS256, RS256, ES256 or EdDSA',
    )
    // Clock skew is bounded: a tolerance of more than 5 minutes would keep expired tokens alive.
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), clockToleranceSeconds: 301 } })).toContain(
      '  - serving.auth.clockToleranceSeconds: must be an integer from 0 to 300, got 301',
    )
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), clockToleranceSeconds: -1 } })).toContain(
      '  - serving.auth.clockToleranceSeconds: must be an integer from 0 to 300, got -1',
    )
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), requireExpiry: 'no' } })).toContain('  - serving.auth.requireExpiry: must be true or false, got "no"')
    expect(problems({ auth: { mode: 'basic' } })).toContain('  - serving.auth.mode: must be one of "none", "api-key", "jwt", got "basic"')
    expect(problems({ cors: { origins: ['dash.example.com'] } })).toContain('  - serving.cors.origins.0: must be an origin such as https://app.example.com, or *')
    expect(problems({ cors: true })).toContain('  - serving.cors: must be false or an object, got true')
  })
})
