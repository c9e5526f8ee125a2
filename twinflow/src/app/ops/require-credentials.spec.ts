import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '@twinflow/core'
import type { AuthResult, Authenticator } from '@twinflow/serving-layer'
import { requireCredentials } from './require-credentials.ts'

const errors: unknown[] = []
const logger = { error: (_msg: string, fields: unknown) => errors.push(fields) } as unknown as Logger

/** An authenticator that reads the caller from the `x-who` header: `all`, `some`, `boom` (throws), or nobody. */
const authenticator: Authenticator = {
  challenge: 'Test realm="ops"',
  async authenticate(headers): Promise<AuthResult> {
    const who = headers.get('x-who')
    if (who === 'boom') throw new Error('the key server is down')
    if (who === 'all') return { ok: true, principal: { name: 'prometheus', views: 'all' } }
    if (who === 'some') return { ok: true, principal: { name: 'dashboard', views: new Set(['sales']) } }
    return { ok: false, reason: 'who are you?' }
  },
}

describe('requireCredentials', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

  async function start(): Promise<string> {
    server = createServer(
      requireCredentials(
        authenticator,
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' })
          res.end('secret_metric 1\n')
        },
        logger,
      ),
    )
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/metrics`
  }

  it('answers a caller who may read every view, and no one else', async () => {
    const url = await start()
    const get = (who?: string) => fetch(url, { headers: who ? { 'x-who': who } : {} })
    const anonymous = await get()
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Test realm="ops"')
    expect(await anonymous.json()).toEqual({ error: 'unauthenticated: who are you?' })
    const some = await get('some')
    expect(some.status).toBe(403)
    expect(await some.json()).toEqual({ error: '"dashboard" may not read the metrics: they need a credential for every view ("*")' })
    const all = await get('all')
    expect(all.status).toBe(200)
    expect(await all.text()).toBe('secret_metric 1\n')
  })

  it('answers 503 (and logs why) when the authenticator fails, never the endpoint', async () => {
    const url = await start()
    const res = await fetch(url, { headers: { 'x-who': 'boom' } })
    expect(res.status).toBe(503)
    expect(await res.text()).not.toContain('secret_metric')
    expect(errors).toEqual([expect.objectContaining({ error: expect.objectContaining({ message: 'the key server is down' }) })])
  })
})
