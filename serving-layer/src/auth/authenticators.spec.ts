import { createHash } from 'node:crypto'
import { SignJWT, exportSPKI, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { salesPipeline } from '../query/test-view.ts'
import { ApiKeyAuthenticator } from './api-key-authenticator.ts'
import { createAuthenticator } from './create-authenticator.ts'
import { JwtAuthenticator } from './jwt-authenticator.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')
const headers = (init: Record<string, string>) => new Headers(init)

describe('ApiKeyAuthenticator', () => {
  const auth = new ApiKeyAuthenticator({
    mode: 'api-key',
    header: 'X-Key',
    keys: [
      { name: 'ops', sha256: sha('k1'), views: ['*'] },
      { name: 'dash', sha256: sha('k2').toUpperCase(), views: ['sales'] },
    ],
  })

  it('finds the key by its digest, with its views', async () => {
    expect(await auth.authenticate(headers({ 'x-key': 'k1' }))).toEqual({ ok: true, principal: { name: 'ops', views: 'all' } })
    expect(await auth.authenticate(headers({ 'x-key': 'k2' }))).toEqual({ ok: true, principal: { name: 'dash', views: new Set(['sales']) } })
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
      clockToleranceSeconds: 30,
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
      clockToleranceSeconds: 30,
    })
    await expect(auth.ready()).rejects.toThrow(/serving.auth.publicKey is not a PEM public key for RS256/)
  })
})

describe('createAuthenticator', () => {
  it('checks the configured keys against the pipeline', () => {
    expect(createAuthenticator({ mode: 'none' }, salesPipeline)).toBeNull()
    const bad = (keys: { name: string; sha256: string; views: string[] }[]) => () => createAuthenticator({ mode: 'api-key', header: 'x-api-key', keys }, salesPipeline)
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['orders'] }])).toThrow('serving.auth.keys[0] ("a"): unknown view "orders"; views: sales, or "*" for all')
    expect(
      bad([
        { name: 'a', sha256: sha('k'), views: ['*'] },
        { name: 'b', sha256: sha('k'), views: ['*'] },
      ]),
    ).toThrow('serving.auth.keys[1] ("b"): the same key is configured twice')
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['*'] }])).not.toThrow()
    expect(bad([{ name: 'a', sha256: sha('k'), views: ['orders'] }])).toThrow(TwinflowError)
  })
})
