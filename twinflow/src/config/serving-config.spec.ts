import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { SERVING_LIMIT_DEFAULTS } from '@twinflow/serving-layer'
import { parseConfig } from './parse-config.ts'

const runtimes = {
  eventLog: { plugin: 'memory' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}

describe('the serving and ops sections of the config', () => {
  it("have defaults: GraphQL on 127.0.0.1:4000, the serving layer's, ops on the same port", () => {
    const config = parseConfig({ runtimes })
    expect(config.serving).toEqual({
      port: 4000,
      host: '127.0.0.1',
      path: '/graphql',
      graphiql: true,
      dashboard: true,
      introspection: true,
      accessLog: true,
      limits: SERVING_LIMIT_DEFAULTS,
      auth: { mode: 'none' },
      cors: false,
      cache: { maxRows: 250_000, chunkWindows: 64 },
      subscriptions: { pollIntervalMs: 1000 },
    })
    expect(config.ops).toEqual({ host: '127.0.0.1', readinessTimeoutMs: 2000 })
  })

  it('accept API keys, JWT and CORS settings', () => {
    const sha256 = 'a'.repeat(64)
    expect(parseConfig({ runtimes, serving: { auth: { mode: 'api-key', keys: [{ name: 'dash', sha256, views: ['shopRevenue'] }] } } }).serving.auth).toEqual({
      mode: 'api-key',
      header: 'x-api-key',
      keys: [{ name: 'dash', sha256, views: ['shopRevenue'], ingest: [] }],
    })
    // A key that only sends events (POST /ingest/<stream>) needs no views.
    expect(parseConfig({ runtimes, serving: { auth: { mode: 'api-key', keys: [{ name: 'shop-a', sha256, ingest: ['orders'] }] } } }).serving.auth).toMatchObject({
      keys: [{ name: 'shop-a', sha256, views: [], ingest: ['orders'] }],
    })
    const jwt = { mode: 'jwt', jwksUrl: 'https://auth.example.com/.well-known/jwks.json', issuer: 'https://auth.example.com', audience: 'twinflow' }
    expect(parseConfig({ runtimes, serving: { auth: jwt, cors: { origins: ['https://dash.example.com'] } } }).serving).toMatchObject({
      auth: jwt,
      cors: { origins: ['https://dash.example.com'] },
    })
  })

  it('say what to fix, naming the option by its path in the config', () => {
    const problems = (serving: unknown, ops?: unknown) => {
      try {
        parseConfig({ runtimes, serving, ...(ops ? { ops } : {}) }, { origin: 'config file twinflow.json' })
      } catch (error) {
        expect(TwinflowError.is(error, 'config')).toBe(true)
        return (error as Error).message
      }
      return 'no error'
    }
    expect(problems({ auth: { mode: 'api-key', keys: [{ name: 'dash', sha256: 'secret', views: ['*'] }] } })).toBe(
      'invalid config file twinflow.json:\n  - serving.auth.keys.0.sha256: must be the 64 hex digits of the SHA-256 of the key (printf %s "$KEY" | sha256sum)',
    )
    expect(problems({ auth: { mode: 'api-key', keys: [{ name: 'dash', sha256: 'a'.repeat(64), views: [] }] } })).toContain(
      '  - serving.auth.keys.0.views: list the views this key may read (views, ["*"] for all) or the streams it may send events into (ingest), or both',
    )
    expect(problems({ auth: { mode: 'jwt', secret: 'short' } })).toContain('  - serving.auth.secret: must be at least 32 characters')
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), jwksUrl: 'https://a.example.com/jwks' } })).toContain(
      '  - serving.auth: give exactly one of secret, publicKey, jwksUrl',
    )
    expect(problems({ auth: { mode: 'basic' } })).toContain('  - serving.auth.mode: must be one of "none", "api-key", "jwt", got "basic"')
    expect(problems({ cors: { origins: ['dash.example.com'] } })).toContain('  - serving.cors.origins.0: must be an origin such as https://app.example.com, or *')
    expect(problems({ limits: { maxRows: 10, defaultRows: 100 } })).toContain('  - serving.limits.defaultRows: must not exceed maxRows (10), got 100')
    expect(problems({ limits: { maxRows: 10 } })).toContain('  - serving.limits.defaultRows: must not exceed maxRows (10), got 1000')
    expect(problems({ limits: { maxDepht: 3 } })).toContain('  - serving.limits: unknown option "maxDepht"; known options: maxRangeDays, maxRows')
    expect(problems({ port: 70000 })).toContain('  - serving.port: must be an integer from 0 to 65535, got 70000')
    expect(problems({ speedGroupId: 'x' })).toContain('  - serving: unknown option "speedGroupId"')
    expect(problems({}, { port: 70000 })).toContain('  - ops.port: must be an integer from 0 to 65535, got 70000')
  })
})
