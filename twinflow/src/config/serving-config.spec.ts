import { describe, expect, it } from 'vitest'
import { parseConfig } from './parse-config.ts'

const runtimes = {
  eventLog: { plugin: 'memory' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}

describe('the serving and ops sections of the config', () => {
  it('have defaults: GraphQL on 127.0.0.1:4000, no auth, no CORS, ops on the same port', () => {
    const config = parseConfig({ runtimes })
    expect(config.serving).toEqual({ port: 4000, host: '127.0.0.1', path: '/graphql', graphiql: true, introspection: true, accessLog: true, auth: { mode: 'none' }, cors: false })
    expect(config.ops).toEqual({ host: '127.0.0.1', readinessTimeoutMs: 2000 })
  })

  it('accept API keys, JWT and CORS settings', () => {
    const sha256 = 'a'.repeat(64)
    expect(parseConfig({ runtimes, serving: { auth: { mode: 'api-key', keys: [{ name: 'dash', sha256, views: ['shopRevenue'] }] } } }).serving.auth).toEqual({
      mode: 'api-key',
      keys: [{ name: 'dash', sha256, views: ['shopRevenue'] }],
    })
    const jwt = { mode: 'jwt', jwksUrl: 'https://auth.example.com/.well-known/jwks.json', issuer: 'https://auth.example.com', audience: 'twinflow' }
    expect(parseConfig({ runtimes, serving: { auth: jwt, cors: { origins: ['https://dash.example.com'] } } }).serving).toMatchObject({
      auth: jwt,
      cors: { origins: ['https://dash.example.com'] },
    })
  })

  it('say what to fix', () => {
    const problems = (serving: unknown, ops?: unknown) => {
      try {
        parseConfig({ runtimes, serving, ...(ops ? { ops } : {}) })
      } catch (error) {
        return (error as Error).message
      }
      return 'no error'
    }
    expect(problems({ auth: { mode: 'api-key', keys: [{ name: 'dash', sha256: 'secret', views: ['*'] }] } })).toMatch(
      /serving.auth.keys.0.sha256: must be the 64 hex digits of the SHA-256 of the key/,
    )
    expect(problems({ auth: { mode: 'api-key', keys: [{ name: 'dash', sha256: 'a'.repeat(64), views: [] }] } })).toMatch(
      /serving.auth.keys.0.views: list the views this key may read, or \["\*"\] for all/,
    )
    expect(problems({ auth: { mode: 'jwt', secret: 'short' } })).toMatch(/serving.auth.secret: must be at least 32 characters/)
    expect(problems({ auth: { mode: 'jwt', secret: 'x'.repeat(32), jwksUrl: 'https://a.example.com/jwks' } })).toMatch(
      /serving.auth: give exactly one of secret, publicKey, jwksUrl/,
    )
    expect(problems({ auth: { mode: 'basic' } })).toMatch(/serving.auth.mode/)
    expect(problems({ cors: { origins: ['dash.example.com'] } })).toMatch(/serving.cors.origins.0: must be an origin such as https:\/\/app.example.com, or \*/)
    expect(problems({ limits: { maxRows: 10, defaultRows: 100 } })).toMatch(/serving.limits.defaultRows: defaultRows must not exceed maxRows/)
    expect(problems({ limits: { maxDepht: 3 } })).toMatch(/serving.limits: Unrecognized key: "maxDepht"/)
    expect(problems({}, { port: 70000 })).toMatch(/ops.port: Too big/)
  })
})
