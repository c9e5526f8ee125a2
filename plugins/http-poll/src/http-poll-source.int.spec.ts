import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createJsonLogger, END_OF_INPUT, type Source, type SourceMessage, systemClock } from '@twinflow/core'
import { NodeCronScheduler } from '@twinflow/plugin-node-cron'
import { sourceConformance } from '@twinflow/testing/conformance'
import { afterAll, describe, expect, it } from 'vitest'
import { type HttpPollOptionsInput, parseHttpPollOptions } from './http-poll-options.ts'
import { HttpPollSource } from './http-poll-source.ts'

/** A request as the test server saw it. */
interface Seen {
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  at: number
}
type Handler = (req: Seen, res: ServerResponse, n: number) => void

/** An HTTP server on 127.0.0.1 answering with `handler` (real requests over TCP); it records every request. */
async function server(handler: Handler) {
  const seen: Seen[] = []
  const s = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    const request = { path: url.pathname, query: url.searchParams, headers: req.headers, at: performance.now() }
    seen.push(request)
    handler(request, res, seen.length)
  })
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`
  servers.push(s)
  return { url, seen }
}
const servers: ReturnType<typeof createServer>[] = []
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

const logs: { level: string; msg: string; [k: string]: unknown }[] = []
const logger = createJsonLogger({ level: 'debug', write: (line) => void logs.push(JSON.parse(line)) })
const scheduler = new NodeCronScheduler(logger)

function source(url: string, options: Partial<HttpPollOptionsInput> = {}): HttpPollSource {
  const parsed = parseHttpPollOptions({ stream: 'orders', url, intervalMs: 100, initialBackoffMs: 20, maxRequestsPerSecond: 1000, ...options })
  return new HttpPollSource('api', 'orders', parsed, systemClock, logger, scheduler)
}
const text = (m: SourceMessage) => ('record' in m ? JSON.stringify(m.record) : `${m.rejected ?? ''} ${m.value.toString()}`)

/** The next batch, acked; with a deadline. */
async function next(s: Source, timeoutMs = 15_000) {
  const batch = await s.read(AbortSignal.timeout(timeoutMs))
  if (batch === END_OF_INPUT) return END_OF_INPUT
  await batch.ack({ accepted: batch.messages.length, rejected: [] })
  return batch
}

/** Reads (acking) until `count` messages came; returns them. */
async function take(s: Source, count: number) {
  const out: SourceMessage[] = []
  while (out.length < count) {
    const batch = await next(s)
    if (batch === END_OF_INPUT) break
    out.push(...batch.messages)
  }
  return out
}

// --- The conformance suite: three pages by cursor, one poll ------------------------------------------

const items = Array.from({ length: 25 }, (_, i) => ({ id: `o${i}`, cents: i * 10 }))
const paged = await server((req, res) => {
  const from = Number(req.query.get('after') ?? 0)
  const page = items.slice(from, from + 10)
  json(res, { data: page, meta: { next: from + 10 < items.length ? String(from + 10) : null } })
})
sourceConformance('http-poll', {
  open: () => source(`${paged.url}/orders`, { recordsPath: 'data', pagination: { type: 'cursor', path: 'meta.next', param: 'after' }, maxPolls: 1 }),
  expected: items.map((i) => JSON.stringify(i)),
  openIdle: () => source(`${paged.url}/orders`, { intervalMs: undefined, cron: '0 0 1 1 *' }),
})

// --- Behaviour ---------------------------------------------------------------------------------------

describe('http-poll source', () => {
  it('a server answering 500, then garbage, then no array, then good data: each failure counted and retried, nothing lost', async () => {
    const { url, seen } = await server((_req, res, n) => {
      if (n === 1) return json(res, { error: 'boom' }, {}, 500)
      if (n === 2) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end('<html>oops</html>')
      }
      if (n === 3) return json(res, { items: 'not an array' })
      json(res, { items: [{ id: 'a' }, 7, { id: 'b' }] })
    })
    const s = source(url, { recordsPath: 'items', maxPolls: 1 })
    await s.connect(null)
    logs.length = 0
    const batch = await next(s)
    expect(batch).not.toBe(END_OF_INPUT)
    if (batch === END_OF_INPUT) return
    expect(batch.messages.map((m) => [text(m), m.position])).toEqual([
      ['{"id":"a"}', 'poll 1 page 1 item 1'],
      ['http-poll: a record is a number, not a JSON object 7', 'poll 1 page 1 item 2'],
      ['{"id":"b"}', 'poll 1 page 1 item 3'],
    ])
    expect(s.stats).toMatchObject({ requests: 4, failedRequests: 3, failedPolls: 0, polls: 1 })
    expect(logs.filter((l) => l.msg === 'request failed; retrying').map((l) => l.reason)).toEqual([
      'HTTP 500 Internal Server Error: {"error":"boom"}',
      expect.stringMatching(/^the body is not JSON \(.*\): "<html>oops<\/html>"$/),
      'no array of records at items in the body (found a string)',
    ])
    expect(seen).toHaveLength(4)
    expect(await s.read(new AbortController().signal)).toBe(END_OF_INPUT)
    await s.close()
  })

  it('retries spent: the poll waits for the next scheduled time and goes on from the same page; a 4xx is not retried', async () => {
    let down = true
    const { url, seen } = await server((req, res) => {
      if (req.query.get('page') === '2' && down) return json(res, {}, {}, 503)
      if (req.headers.authorization !== 'Bearer s3cret') return json(res, { error: 'who are you' }, {}, 401)
      const page = Number(req.query.get('page'))
      json(res, page <= 2 ? [{ page }] : [])
    })
    const noAuth = source(url, { pagination: { type: 'page' }, retries: 5, maxPolls: 1 })
    await noAuth.connect(null)
    logs.length = 0
    const refused = noAuth.read(AbortSignal.timeout(400))
    await expect(refused).rejects.toThrow()
    // A 401 is not retried within a poll (retries: 5 would make 6 requests a poll): it fails the
    // attempt, tried again at each scheduled time. One request per failed poll, and at most one
    // more, in flight when the read was aborted.
    expect(noAuth.stats.failedPolls).toBeGreaterThanOrEqual(1)
    expect(noAuth.stats.failedRequests).toBe(noAuth.stats.failedPolls)
    expect(noAuth.stats.requests - noAuth.stats.failedPolls).toBeLessThanOrEqual(1)
    expect(logs.find((l) => l.level === 'error')?.reason).toBe('HTTP 401 Unauthorized: {"error":"who are you"}')
    await noAuth.close()

    const s = source(url, { pagination: { type: 'page' }, headers: { Authorization: 'Bearer s3cret' }, retries: 2, intervalMs: 300, maxPolls: 1 })
    await s.connect(null)
    expect((await take(s, 1)).map(text)).toEqual(['{"page":1}'])
    const before = seen.length
    setTimeout(() => (down = false), 1200)
    const started = performance.now()
    expect((await take(s, 1)).map((m) => [text(m), m.position])).toEqual([['{"page":2}', 'poll 1 page 2 item 1']])
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000)
    expect(s.stats.failedPolls).toBeGreaterThanOrEqual(1)
    // Every request after the first page asked for page 2 until it came: the poll went on, not over.
    expect(
      seen
        .slice(before)
        .map((r) => r.query.get('page'))
        .every((p) => p === '2' || p === '3'),
    ).toBe(true)
    expect(await next(s)).not.toBe(END_OF_INPUT) // page 3, empty: the end of the poll
    expect(await s.read(new AbortController().signal)).toBe(END_OF_INPUT)
    await s.close()
  })

  it('honours Retry-After on a 429, and spaces requests by maxRequestsPerSecond', async () => {
    const { url, seen } = await server((req, res, n) => {
      if (n === 1) return json(res, { error: 'slow down' }, { 'retry-after': '1' }, 429)
      const page = Number(req.query.get('page'))
      json(res, page <= 6 ? [{ page }] : [])
    })
    const s = source(url, { pagination: { type: 'page' }, maxRequestsPerSecond: 4, maxPolls: 1 })
    await s.connect(null)
    expect((await take(s, 6)).map(text)).toEqual([1, 2, 3, 4, 5, 6].map((page) => JSON.stringify({ page })))
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(990)
    // After the retry, 6 requests at 4/s (page 7, the empty last, is not read yet): 5 gaps of 250 ms.
    expect(seen.length).toBe(7)
    expect(seen[6]!.at - seen[1]!.at).toBeGreaterThanOrEqual(5 * 250 - 20)
    await s.close()
  })

  it('conditional requests: the next poll sends If-None-Match and If-Modified-Since; a 304 delivers nothing', async () => {
    let version = 1
    const { url, seen } = await server((req, res) => {
      const etag = `"v${version}"`
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag })
        return res.end()
      }
      json(res, [{ version }], { etag, 'last-modified': 'Sun, 01 Mar 2026 10:00:00 GMT' })
    })
    const s = source(url, { intervalMs: 100, maxPolls: 3 })
    await s.connect(null)
    expect((await take(s, 1)).map(text)).toEqual(['{"version":1}'])
    const unchanged = await next(s)
    expect(unchanged !== END_OF_INPUT && unchanged.messages).toEqual([])
    expect(seen[1]!.headers['if-none-match']).toBe('"v1"')
    expect(seen[1]!.headers['if-modified-since']).toBe('Sun, 01 Mar 2026 10:00:00 GMT')
    version = 2
    expect((await take(s, 1)).map(text)).toEqual(['{"version":2}'])
    expect(s.stats).toMatchObject({ polls: 3, notModified: 1 })
    expect(await s.read(new AbortController().signal)).toBe(END_OF_INPUT)
    await s.close()
  })

  it('pages by Link header; a restart with the checkpoint of a page goes on at the next page', async () => {
    const { url } = await server((req, res) => {
      const page = Number(req.query.get('p') ?? 1)
      const link: Record<string, string> = page < 4 ? { link: `</feed?p=${page + 1}>; rel="next", </feed?p=4>; rel="last"` } : {}
      json(
        res,
        {
          rows: [
            { page, i: 0 },
            { page, i: 1 },
          ],
        },
        link,
      )
    })
    const options = { recordsPath: '$.rows', pagination: { type: 'link' as const }, maxPolls: 1 }
    const first = source(`${url}/feed`, options)
    await first.connect(null)
    const b1 = await next(first)
    const b2 = await next(first)
    await first.close()
    if (b1 === END_OF_INPUT || b2 === END_OF_INPUT) throw new Error('ended early')
    const again = source(`${url}/feed`, options)
    await again.connect(b2.checkpoint!)
    const rest = await take(again, 4)
    expect([...b1.messages, ...b2.messages, ...rest].map(text)).toEqual([1, 2, 3, 4].flatMap((page) => [0, 1].map((i) => JSON.stringify({ page, i }))))
    expect(rest[0]!.position).toBe('poll 1 page 3 item 1')
    expect(await again.read(new AbortController().signal)).toBe(END_OF_INPUT)
    await again.close()
  })

  it('pages by a next URL in the body (a cursor without a parameter), relative or absolute', async () => {
    const { url, seen } = await server((req, res) => {
      const page = Number(req.query.get('page') ?? 1)
      json(res, { items: [{ page }], next: page === 1 ? '/list?page=2&token=t' : page === 2 ? `${url}/list?page=3` : null })
    })
    const s = source(`${url}/list?key=k`, { recordsPath: 'items', pagination: { type: 'cursor', path: 'next' }, maxPolls: 1 })
    await s.connect(null)
    expect((await take(s, 3)).map(text)).toEqual([1, 2, 3].map((page) => JSON.stringify({ page })))
    expect(seen.map((r) => `${r.path}?${r.query}`)).toEqual(['/list?key=k', '/list?page=2&token=t', '/list?page=3'])
    expect(await s.read(new AbortController().signal)).toBe(END_OF_INPUT)
    await s.close()
  })

  it('incremental: each poll asks from the highest updated_at delivered; records at it are not delivered twice, also after a restart', async () => {
    const table = new Map<string, string>([
      ['a', '2026-03-01T10:00:00Z'],
      ['b', '2026-03-01T10:05:00Z'],
    ])
    const { url, seen } = await server((req, res) => {
      const since = req.query.get('updated_since')
      const rows = [...table].filter(([, at]) => since === null || at >= since).map(([id, updatedAt]) => ({ id, updatedAt }))
      json(res, { results: rows })
    })
    const options = { recordsPath: 'results', incremental: { field: 'updatedAt', param: 'updated_since', key: 'id' }, intervalMs: 100 }
    const s = source(url, options)
    await s.connect(null)
    let batch = await next(s)
    if (batch === END_OF_INPUT) throw new Error('ended')
    expect(batch.messages.map(text)).toEqual(['{"id":"a","updatedAt":"2026-03-01T10:00:00Z"}', '{"id":"b","updatedAt":"2026-03-01T10:05:00Z"}'])
    // Nothing new: b comes again (at the watermark) and is not delivered.
    batch = await next(s)
    if (batch === END_OF_INPUT) throw new Error('ended')
    expect(batch.messages).toEqual([])
    expect(seen[1]!.query.get('updated_since')).toBe('2026-03-01T10:05:00Z')
    // c at the same instant as b, a updated later.
    table.set('c', '2026-03-01T10:05:00Z')
    table.set('a', '2026-03-01T10:07:00Z')
    batch = await next(s)
    if (batch === END_OF_INPUT) throw new Error('ended')
    expect(batch.messages.map(text).sort()).toEqual(['{"id":"a","updatedAt":"2026-03-01T10:07:00Z"}', '{"id":"c","updatedAt":"2026-03-01T10:05:00Z"}'])
    const checkpoint = batch.checkpoint!
    await s.close()
    table.set('d', '2026-03-01T10:07:00Z')
    const again = source(url, options)
    await again.connect(checkpoint)
    batch = await next(again)
    if (batch === END_OF_INPUT) throw new Error('ended')
    expect(batch.messages.map(text)).toEqual(['{"id":"d","updatedAt":"2026-03-01T10:07:00Z"}'])
    expect(seen.at(-1)!.query.get('updated_since')).toBe('2026-03-01T10:07:00Z')
    await again.close()
  })

  it('cron: polls on the scheduler, not before its tick', async () => {
    const { url, seen } = await server((_req, res) => json(res, [{ tick: true }]))
    const s = source(url, { intervalMs: undefined, cron: '* * * * * *', maxPolls: 2 })
    await s.connect(null)
    expect((await take(s, 2)).map(text)).toEqual(['{"tick":true}', '{"tick":true}'])
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(500)
    await s.close()
  })

  it('a body over maxResponseBytes and a server that never answers are errors, not a crash or a hang', async () => {
    const { url } = await server((req, res) => {
      if (req.path === '/big') return json(res, { data: 'x'.repeat(5000) })
      // /slow: never answers
    })
    const big = source(`${url}/big`, { maxResponseBytes: 1024, retries: 3 })
    await big.connect(null)
    logs.length = 0
    await expect(big.read(AbortSignal.timeout(500))).rejects.toThrow()
    // Not retried within a poll (retries: 3 would make 4 requests a poll): one request per failed
    // poll, and at most one more, in flight when the read was aborted.
    expect(big.stats.failedPolls).toBeGreaterThanOrEqual(1)
    expect(big.stats.requests - big.stats.failedPolls).toBeLessThanOrEqual(1)
    expect(logs.find((l) => l.level === 'error')?.reason).toBe('the body is larger than 1024 bytes (maxResponseBytes)')
    await big.close()
    const slow = source(`${url}/slow`, { timeoutMs: 200, retries: 1 })
    await slow.connect(null)
    logs.length = 0
    await expect(slow.read(AbortSignal.timeout(1500))).rejects.toThrow()
    expect(slow.stats.failedRequests).toBeGreaterThanOrEqual(2)
    expect(logs.find((l) => l.msg === 'request failed; retrying')?.reason).toBe('no complete answer within 200 ms (timeoutMs)')
    await slow.close()
  })
})
