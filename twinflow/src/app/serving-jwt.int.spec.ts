import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { createTwinflow } from './create-twinflow.ts'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import type { Twinflow } from './twinflow.ts'

const SECRET = 'a-shared-secret-of-at-least-32-characters'
const RANGE = 'from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z"'

/** A token signed with the secret (or another); `expiresIn: null` leaves out the "exp" claim. */
function token(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string | null; issuer?: string; audience?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('svc-dashboard')
    .setIssuer(options.issuer ?? 'https://auth.example.com')
    .setAudience(options.audience ?? 'twinflow')
    .setIssuedAt()
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m')
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET))
}

describe('a serve-only process with JWT authentication, introspection off, operations on the GraphQL port (metrics behind the same credentials)', () => {
  let twinflow: Twinflow
  const client = async (bearer: string | null) => new TestGraphQLClient(twinflow.url!, bearer === null ? {} : { authorization: `Bearer ${bearer}` })

  beforeAll(async () => {
    const config = embeddedTestConfig({
      serving: {
        port: 0,
        graphiql: false,
        introspection: false,
        auth: { mode: 'jwt', secret: SECRET, issuer: 'https://auth.example.com', audience: 'twinflow', viewsClaim: 'views' },
      },
    })
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config })
    await twinflow.start(['serve'])
  })
  afterAll(async () => {
    await twinflow?.stop()
  })

  it('a valid token reads the views of its claim (an array, a space-separated list, or "*")', async () => {
    const some = await client(await token({ views: ['shopRevenue', 'shopTraffic'] }))
    expect((await some.query(`{ shopRevenue(${RANGE}) { totalCount } }`)).data).toEqual({ shopRevenue: { totalCount: 0 } })
    const denied = await some.query(`{ orderMix(${RANGE}) { totalCount } }`)
    expect(denied.errors?.[0]).toMatchObject({ message: '"svc-dashboard" may not read view "orderMix"', extensions: { code: 'FORBIDDEN' } })
    const spaced = await client(await token({ views: 'orderMix shopTraffic' }))
    expect((await spaced.query('{ pipeline { views { name } } }')).data?.pipeline.views).toEqual([{ name: 'orderMix' }, { name: 'shopTraffic' }])
    const all = await client(await token({ views: '*' }))
    expect((await all.query('{ pipeline { views { name } } }')).data?.pipeline.views).toHaveLength(3)
    const none = await client(await token({}))
    expect((await none.query(`{ shopRevenue(${RANGE}) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })

  it('a missing, expired, never-expiring, forged or misaddressed token is a 401 with the reason', async () => {
    const cases: [string | null, RegExp][] = [
      [null, /a bearer token is required in the Authorization header/],
      ['not-a-jwt', /the token is not valid/],
      [await token({ views: '*' }, { expiresIn: '-1m' }), /the token has expired/],
      [await token({ views: '*' }, { expiresIn: null }), /the token has no expiry: an "exp" claim is required/],
      [await token({ views: '*' }, { secret: 'another-secret-of-at-least-32-characters' }), /the token is not valid: signature verification failed/],
      [await token({ views: '*' }, { issuer: 'https://evil.example.com' }), /the token is not valid: unexpected "iss" claim value/],
      [await token({ views: '*' }, { audience: 'someone-else' }), /the token is not valid: unexpected "aud" claim value/],
    ]
    for (const [bearer, reason] of cases) {
      const res = await (await client(bearer)).query(`{ shopRevenue(${RANGE}) { totalCount } }`)
      expect(res.status, String(bearer)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect(res.errors?.[0]?.message, String(bearer)).toMatch(reason)
    }
  })

  it('introspection off: __schema and __type are refused at validation, and field suggestions are not given away', async () => {
    const all = await client(await token({ views: '*' }))
    const schema = await all.query('{ __schema { types { name } } }')
    expect(schema.status).toBe(400)
    expect(schema.errors?.[0]?.message).toMatch(/GraphQL introspection has been disabled/)
    expect((await all.query('{ __type(name: "Query") { name } }')).status).toBe(400)
    const typo = await all.query(`{ shopRevenu(${RANGE}) { totalCount } }`)
    expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "shopRevenu" on type "Query"/)
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/)
  })

  it('serves /healthz and /readyz on its GraphQL port without a token, and /metrics only to a token that may read every view', async () => {
    const origin = new URL(twinflow.url!).origin
    expect(twinflow.opsUrl).toBe(origin)
    expect((await fetch(`${origin}/healthz`)).status).toBe(200)
    const ready = await (await fetch(`${origin}/readyz`)).json()
    expect(ready).toMatchObject({ status: 'ready', checks: { eventLog: { ok: true }, batchEngine: { ok: true }, realtimeStore: { ok: true } } })
    const metrics = async (bearer: string | null) => fetch(`${origin}/metrics`, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } })
    for (const bearer of [null, 'not-a-jwt', await token({ views: '*' }, { expiresIn: '-1m' })]) {
      const refused = await metrics(bearer)
      expect(refused.status, String(bearer)).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe('Bearer')
      expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/^unauthenticated: /) })
    }
    // The metrics name every view and stream: a token for some views only may not read them.
    const narrow = await metrics(await token({ views: ['shopRevenue'] }))
    expect(narrow.status).toBe(403)
    expect(await narrow.json()).toEqual({ error: '"svc-dashboard" may not read the metrics: they need a credential for every view ("*")' })
    const all = await metrics(await token({ views: '*' }))
    expect(all.status).toBe(200)
    expect(await all.text()).toMatch(/^twinflow_graphql_rejections_total\{reason="unauthenticated"\} [1-9]/m)
  })
})
