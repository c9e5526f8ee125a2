import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { createSchema, createYoga } from 'graphql-yoga'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBodySizeLimit } from './use-body-size-limit.ts'

const LIMIT = 200

/**
 * A raw HTTP POST, so the test chooses the framing (Content-Length or chunked) the server sees, and
 * the agent (a keep-alive one reuses its connection). Settles with the response, or fails when
 * none has come within `timeoutMs`.
 */
function post(
  url: string,
  body: string,
  framing: 'length' | 'chunked',
  options: { agent?: Agent; timeoutMs?: number } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (framing === 'length') headers['content-length'] = String(Buffer.byteLength(body))
    else headers['transfer-encoding'] = 'chunked'
    const req = request(url, { method: 'POST', headers, agent: options.agent }, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }))
    })
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)))
    req.on('error', reject)
    if (framing === 'chunked') {
      // Several chunks, as a streaming client sends them.
      const size = Math.max(50, Math.ceil(body.length / 64))
      for (let i = 0; i < body.length; i += size) req.write(body.slice(i, i + size))
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

  it('ends the connection after a 413 (Connection: close), so that the next request on a keep-alive agent is answered at once', async () => {
    // 2 MB: more than the socket buffers hold, so that the server stops reading in the middle of the body.
    const big = query(2 * 1024 * 1024)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // Repeated: before, the next request hung (about 6 s, then ECONNRESET) in 3 tries of 4.
      for (let i = 0; i < 4; i++) {
        for (const framing of ['chunked', 'length'] as const) {
          const refused = await post(url, big, framing, { agent })
          expect(refused.status).toBe(413)
          expect(refused.headers.connection).toBe('close')
          const next = await post(url, query(10), 'chunked', { agent, timeoutMs: 2000 })
          expect(next.status, `${framing}, try ${i}`).toBe(200)
          expect(next.body.data.echo).toBe('x'.repeat(10))
        }
      }
    } finally {
      agent.destroy()
    }
  })

  it('closes the connection of a refused chunked body cleanly: the 413, then the end of the stream, no reset', async () => {
    const { port } = server.address() as AddressInfo
    const socket = connect(port, '127.0.0.1')
    const answer = new Promise<{ text: string; ended: boolean }>((resolve, reject) => {
      let text = ''
      let ended = false
      socket.setEncoding('utf8')
      socket.on('data', (chunk) => (text += chunk))
      socket.on('end', () => (ended = true))
      socket.on('error', reject)
      socket.on('close', () => resolve({ text, ended }))
      socket.setTimeout(5000, () => reject(new Error(`the connection is still open 5 s after the request; got ${JSON.stringify(text.slice(0, 60))}`)))
    })
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n')
    const chunk = 'x'.repeat(16 * 1024)
    for (let sent = 0; sent < 2 * 1024 * 1024 && !socket.destroyed; sent += chunk.length) {
      if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) await new Promise((r) => socket.once('drain', r).once('close', r))
    }
    if (!socket.destroyed) socket.end('0\r\n\r\n')
    const { text, ended } = await answer
    expect(text).toMatch(/^HTTP\/1\.1 413 /)
    expect(text).toMatch(/\r\nconnection: close\r\n/i)
    expect(ended).toBe(true)
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
