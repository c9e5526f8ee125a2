import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSchema, createYoga } from 'graphql-yoga'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBodySizeLimit } from './use-body-size-limit.ts'

const LIMIT = 200

/** A raw HTTP POST, so the test chooses the framing (Content-Length or chunked) the server sees. */
function post(url: string, body: string, framing: 'length' | 'chunked'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (framing === 'length') headers['content-length'] = String(Buffer.byteLength(body))
    else headers['transfer-encoding'] = 'chunked'
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    if (framing === 'chunked') {
      // Several chunks, as a streaming client sends them.
      for (let i = 0; i < body.length; i += 50) req.write(body.slice(i, i + 50))
      req.end()
    } else req.end(body)
  })
}

describe('useBodySizeLimit', () => {
  let server: Server
  let url: string
  let yoga: ReturnType<typeof createYoga>
  beforeAll(async () => {
    yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { echo(s: String): String }', resolvers: { Query: { echo: (_: unknown, { s }: { s: string }) => s } } }),
      maxRequestBodySize: false,
      logging: false,
      plugins: [useBodySizeLimit(LIMIT)],
    })
    server = createServer(yoga)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  const query = (n: number) => JSON.stringify({ query: `{ echo(s: "${'x'.repeat(n)}") }` })

  it('answers bodies up to the limit, with a Content-Length or chunked', async () => {
    const body = query(LIMIT - 30)
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(LIMIT)
    for (const framing of ['length', 'chunked'] as const) {
      const res = await post(url, body, framing)
      expect(res.status).toBe(200)
      expect(res.body.data.echo).toBe('x'.repeat(LIMIT - 30))
    }
  })

  it('refuses a body over the limit with 413, whether its length is stated or only counted', async () => {
    const body = query(LIMIT)
    expect(Buffer.byteLength(body)).toBeGreaterThan(LIMIT)
    for (const framing of ['length', 'chunked'] as const) {
      const res = await post(url, body, framing)
      expect(res.status).toBe(413)
      expect(res.body.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE')
    }
  })

  it('refuses a Content-Length that is not one non-negative integer with 400 (behind a proxy or an adapter other than the Node HTTP parser)', async () => {
    for (const contentLength of ['-5', '12, 12', 'abc']) {
      const res = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': contentLength },
        body: query(10),
      })
      expect(res.status).toBe(400)
      expect((await res.json()).errors[0].extensions.code).toBe('BAD_REQUEST')
    }
  })
})
