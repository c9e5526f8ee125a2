import { createHash } from 'node:crypto'
import { SignJWT, exportSPKI, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { salesPipeline } from '../query/test-view.ts'
import { ApiKeyAuthenticator } from './api-key-authenticator.ts'
import { jwtAuthOptionsSchema } from './auth-options.ts'
import { createAuthenticator } from './create-authenticator.ts'
import { JwtAuthenticator } from './jwt-authenticator.ts'
import { ANONYMOUS, canIngest, canRead } from './principal.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')
const headers = (init: Record<string, string>) => new Headers(init)

describe('ApiKeyAuthenticator', () => {
  const auth = new ApiKeyAuthenticator({
    mode: 'api-key',
    header: 'X-Key',
    keys: [
      { name: 'ops', sha256: sha('k1'), views: ['*'], ingest: [] },
      { name: 'dash', sha256: sha('k2').toUpperCase(), views: ['sales'], ingest: [] },
    ],
  })

  it('finds the key by its digest, with its views', async () => {
    expect(await auth.authenticate(headers({ 'x-key': 'k1' }))).toEqual({ ok: true, principal: { name: 'ops', views: 'all' } })
    expect(await auth.authenticate(headers({ 'x-key': 'k2' }))).toEqual({ ok: true, principal: { name: 'dash', views: new Set(['sales']) } })
  })

  it('gives a key its ingest permission: the streams it may send events into, "*" for all, none when absent', async () => {
    const keys = new ApiKeyAuthenticator({
      mode: 'api-key',
      header: 'x-api-key',
      keys: [
        { name: 'shop-a', sha256: sha('a'), views: [], ingest: ['orders'] },
        { name: 'pipe', sha256: sha('b'), views: ['*'], ingest: ['*'] },
        { name: 'reader', sha256: sha('c'), views: ['*'], ingest: [] },
      ],
    })
    const principal = async (key: string) => {
      const result = await keys.authenticate(headers({ 'x-api-key': key }))
      if (!result.ok) throw new Error(result.reason)
      return result.principal
    }
    const a = await principal('a')
    expect([canIngest(a, 'orders'), canIngest(a, 'pageViews'), canRead(a, 'sales')]).toEqual([true, false, false])
    expect([canIngest(await principal('b'), 'anything'), canIngest(await principal('c'), 'orders')]).toEqual([true, false])
    expect(canIngest(ANONYMOUS, 'orders')).toBe(true)
  })
  it('says why a request is refused', async () => {
    expect(await auth.authenticate(headers({}))).toEqual({ ok: false, reason: 'an API key is required in the x-key header' })
    expect(await auth.authenticate(headers({ 'x-key': 'k3' }))).toEqual({ ok: false, reason: 'the API key is not valid' })
  })
})

describe('JwtAuthenticator', () => {
  it('verifies RS256 tokens with a PEM public key, issuer and audience', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256')
    const auth = new JwtAuthenticator({
      mode: 'jwt',
      publicKey: await exportSPKI(publicKey),
      algorithms: ['RS256'],
      issuer: 'iss',
      audience: 'aud',
      viewsClaim: 'tf/views',
      ingestClaim: 'ingest',
      clockToleranceSeconds: 30,
      requireExpiry: true,
    })
    await auth.ready()
    const jwt = await new SignJWT({ 'tf/views': ['sales'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('bob')
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime('1m')
      .sign(privateKey)
    expect(await auth.authenticate(headers({ authorization: `Bearer ${jwt}` }))).toEqual({ ok: true, principal: { name: 'bob', views: new Set(['sales']) } })
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(32)))
    expect(await auth.authenticate(headers({ authorization: `Bearer ${hs}` }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^the token is not valid/) })
  })

  it('a bad public key is a config error at ready()', async () => {
    const auth = new JwtAuthenticator({
      mode: 'jwt',
      publicKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----',
      algorithms: ['RS256'],
      viewsClaim: 'views',
      ingestClaim: 'ingest',
      clockToleranceSeconds: 30,
      requireExpiry: true,
    })
    await expect(auth.ready()).rejects.toThrow(/serving.auth.publicKey is not a PEM public key for RS256/)
  })
})

describe('JwtAuthenticator: the ingest claim', () => {
  it('reads the streams the bearer may send events into from the ingest claim (ingestClaim), none without it', async () => {
    const secret = 's'.repeat(32)
    const token = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('shop-a').setExpirationTime('1m').sign(new TextEncoder().encode(secret))
    const principal = async (claims: Record<string, unknown>, options: Record<string, unknown> = {}) => {
      const auth = new JwtAuthenticator(jwtAuthOptionsSchema.parse({ mode: 'jwt', secret, ...options }))
      const result = await auth.authenticate(headers({ authorization: `Bearer ${await token(claims)}` }))
      if (!result.ok) throw new Error(result.reason)
      return result.principal
    }
    expect(canIngest(await principal({ ingest: ['sales'] }), 'sales')).toBe(true)
    expect(canIngest(await principal({ ingest: 'sales other' }), 'other')).toBe(true)
    expect(canIngest(await principal({ views: '*' }), 'sales')).toBe(false)
    expect(canIngest(await principal({ 'tf/ingest': '*' }, { ingestClaim: 'tf/ingest' }), 'sales')).toBe(true)
  })
})

describe('JwtAuthenticator: expiry', () => {
  const secret = 's'.repeat(32)
  const auth = (options: Record<string, unknown> = {}) => new JwtAuthenticator(jwtAuthOptionsSchema.parse({ mode: 'jwt', secret, ...options }))
  /** A token for "bob" expiring at `exp` (epoch seconds), or without an `exp` claim. */
  const bearer = async (exp: number | null) => {
    const jwt = new SignJWT({ views: '*' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setIssuedAt()
    if (exp !== null) jwt.setExpirationTime(exp)
    return headers({ authorization: `Bearer ${await jwt.sign(new TextEncoder().encode(secret))}` })
  }
  const bob = { ok: true, principal: { name: 'bob', views: 'all' } }
  const now = () => Math.floor(Date.now() / 1000)

  it('refuses a token without an "exp" claim, unless requireExpiry is false (unsafe)', async () => {
    expect(await auth().authenticate(await bearer(null))).toEqual({ ok: false, reason: 'the token has no expiry: an "exp" claim is required' })
    expect(await auth({ requireExpiry: true }).authenticate(await bearer(now() + 60))).toEqual(bob)
    expect(await auth({ requireExpiry: false }).authenticate(await bearer(null))).toEqual(bob)
    // Without the requirement, an "exp" that is there is still checked.
    expect(await auth({ requireExpiry: false }).authenticate(await bearer(now() - 3600))).toEqual({ ok: false, reason: 'the token has expired' })
  })

  it('accepts clockToleranceSeconds of clock skew past "exp" (30 by default), and no more', async () => {
    expect(await auth().authenticate(await bearer(now() - 20))).toEqual(bob)
    expect(await auth().authenticate(await bearer(now() - 40))).toEqual({ ok: false, reason: 'the token has expired' })
    expect(await auth({ clockToleranceSeconds: 0 }).authenticate(await bearer(now() - 5))).toEqual({ ok: false, reason: 'the token has expired' })
    expect(await auth({ clockToleranceSeconds: 300 }).authenticate(await bearer(now() - 250))).toEqual(bob)
  })
})

describe('createAuthenticator', () => {
  it('checks the configured keys against the pipeline', () => {
    expect(createAuthenticator({ mode: 'none' }, salesPipeline)).toBeNull()
    const bad = (keys: { name: string; sha256: string; views: string[]; ingest?: string[] }[]) => () =>
      createAuthenticator({ mode: 'api-key', header: 'x-api-key', keys: keys.map((k) => ({ ingest: [], ...k })) }, salesPipeline)
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['orders'] }])).toThrow('serving.auth.keys[0] ("a"): unknown view "orders"; views: sales, or "*" for all')
    expect(
      bad([
        { name: 'a', sha256: sha('k'), views: ['*'] },
        { name: 'b', sha256: sha('k'), views: ['*'] },
      ]),
    ).toThrow('serving.auth.keys[1] ("b"): the same key is configured twice')
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['*'] }])).not.toThrow()
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['orders'] }])).toThrow(TwinflowError)
    expect(bad([{ name: 'a', sha256: sha('k'), views: [], ingest: ['nope'] }])).toThrow('serving.auth.keys[0] ("a").ingest: unknown stream "nope"; streams: sales, or "*" for all')
    expect(bad([{ name: 'a', sha256: sha('k'), views: [], ingest: ['sales'] }])).not.toThrow()
  })
})
