import { createHash } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { count, definePipeline, defineStream, defineView, sum, t, TOKENS } from '@twinflow/core'
import { createTestPipeline, type TestPipeline } from '@twinflow/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const orders = defineStream('orders', { orderId: t.string(), shop: t.string(), amountCents: t.int64(), ts: t.eventTime() })
const shopRevenue = defineView('shopRevenue', orders, {
  groupBy: (o) => ({ shop: o.shop }),
  window: '1h',
  measures: (o) => ({ orders: count(), revenueCents: sum(o.amountCents) }),
})
const pipeline = definePipeline({ streams: [orders], views: [shopRevenue] })

const sha = (key: string) => createHash('sha256').update(key).digest('hex')
const WRITER = 'writer-key'
const READER = 'reader-key'
const LIMITED = 'limited-key'
const NOW = Date.parse('2026-05-04T10:30:00Z')
const T = '2026-05-04T10:05:00Z'
const order = (orderId: string, shop: string, amountCents: number) => ({ orderId, shop, amountCents, ts: T })

describe('http source on the embedded runtimes: POST /ingest/<stream>', () => {
  let tf: TestPipeline
  /** Events accepted so far, per shop: what the view must add up to. */
  const truth = new Map<string, { orders: number; revenueCents: number }>()
  const accept = (...events: { shop: string; amountCents: number }[]) => {
    for (const e of events) {
      const row = truth.get(e.shop) ?? { orders: 0, revenueCents: 0 }
      truth.set(e.shop, { orders: row.orders + 1, revenueCents: row.revenueCents + e.amountCents })
    }
  }
  const post = async (body: string | Buffer, contentType: string, headers: Record<string, string> = {}, path = '/ingest/orders') => {
    const res = await fetch(`${tf.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-api-key': WRITER, ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, any> }
  }
  const ndjson = (lines: readonly unknown[]) => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`
  const served = async () => {
    await tf.settle()
    const { shopRevenue: answer } = await tf.query('{ shopRevenue(from: "2026-05-04T00:00:00Z", to: "2026-05-05T00:00:00Z") { rows { shop orders revenueCents } } }', {
      headers: { 'x-api-key': READER },
    })
    return Object.fromEntries(answer.rows.map((r: any) => [r.shop, { orders: r.orders, revenueCents: r.revenueCents }]))
  }
  const rejectedInputs = async () => {
    const { pipeline: p } = await tf.query('{ pipeline { rejectedInputs(stream: "orders", limit: 100) { items { stage reason source position payload payloadBytes } } } }', {
      headers: { 'x-api-key': READER },
    })
    return p.rejectedInputs.items as { stage: string; reason: string; source: string; position: string; payload: string; payloadBytes: number }[]
  }

  beforeAll(async () => {
    tf = await createTestPipeline({
      pipeline,
      now: NOW,
      config: {
        sources: [
          { plugin: 'http', name: 'orders-http', options: { stream: 'orders', maxBodyBytes: 12 * 1024 * 1024 } },
          // A second route into the same stream, for a shop's CSV export: the source's mapping renames its columns and reads its times.
          {
            plugin: 'http',
            name: 'orders-export',
            options: { stream: 'orders', path: '/ingest/orders/export' },
            mapping: {
              rename: { order_id: 'orderId', shop_name: 'shop', amount: 'amountCents', created: 'ts' },
              timestamps: { ts: { format: 'pattern', pattern: 'dd.MM.yyyy HH:mm', zone: 'Europe/Berlin' } },
            },
          },
        ],
        serving: {
          auth: {
            mode: 'api-key',
            keys: [
              { name: 'writer', sha256: sha(WRITER), ingest: ['orders'] },
              { name: 'reader', sha256: sha(READER), views: ['*'] },
            ],
          },
        },
      },
    })
  })
  afterAll(async () => {
    await tf?.stop()
  })

  it('accepts NDJSON, a JSON array and CSV with a header, answers once they are in the log, and serves them', async () => {
    const a = await post(ndjson([order('o1', 'north', 1200), order('o2', 'south', 500)]), 'application/x-ndjson')
    expect(a.status).toBe(200)
    expect(a.body).toEqual({ accepted: 2, rejected: [], requestId: expect.any(String) })
    expect(a.headers.get('x-request-id')).toBe(a.body.requestId)
    const b = await post(JSON.stringify([order('o3', 'north', 300)]), 'application/json')
    expect(b.body).toMatchObject({ accepted: 1, rejected: [] })
    // CSV fields are strings: converted to the declared types (the identity mapping) without a configured mapping.
    const c = await post('orderId,shop,amountCents,ts\no4,south,250,2026-05-04T10:10:00Z\r\n"o5","north, east","75",1777889700000\n', 'text/csv; charset=utf-8')
    expect(c.body).toMatchObject({ accepted: 2, rejected: [] })
    accept(order('o1', 'north', 1200), order('o2', 'south', 500), order('o3', 'north', 300), order('o4', 'south', 250), order('o5', 'north, east', 75))
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it("maps a source's records with its mapping (config sources[].mapping): renamed columns, times in a pattern and a zone", async () => {
    const csv = 'order_id;shop_name;amount;created;note\nx1;west;990;04.05.2026 12:15;first\nx2;west;10;4 May 2026;bad date\n'
    const answer = await post(csv.replaceAll(';', '\t'), 'text/tab-separated-values', {}, '/ingest/orders/export')
    expect(answer.body).toMatchObject({ accepted: 1, rejected: [{ line: 3, reason: expect.stringMatching(/^mapping: field "ts" \(input "created"\)/) }] })
    accept({ shop: 'west', amountCents: 990 }) // 12:15 in Berlin (CEST) is 10:15 UTC: the 10:00 window
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it('answers bad lines with their line and reason, dead-letters them, and takes the rest: nothing lost, nothing doubled', async () => {
    const before = (await rejectedInputs()).length
    const invalidUtf8 = Buffer.concat([Buffer.from('{"orderId":"u1","shop":"n'), Buffer.from([0xff, 0xfe]), Buffer.from(`","amountCents":1,"ts":"${T}"}`)])
    const ndjsonBody = Buffer.concat([
      Buffer.from(ndjson([order('g1', 'north', 10), { ...order('w1', 'north', 0), amountCents: '12x' }])),
      invalidUtf8,
      Buffer.from('\n\n{"orderId": "cut\n'),
      Buffer.from(`${JSON.stringify(order('g2', 'south', 20))}\n`),
    ])
    const lines = await post(ndjsonBody, 'application/x-ndjson')
    expect(lines.status).toBe(200)
    expect(lines.body.accepted).toBe(2)
    expect(lines.body.rejected).toEqual([
      { line: 2, reason: expect.stringMatching(/^schema: field "amountCents"/) },
      { line: 3, reason: 'ndjson: the line is not valid UTF-8' },
      { line: 5, reason: expect.stringMatching(/^ndjson: invalid JSON/) },
    ])
    // A truncated CSV: a row with a field missing, and the body ending inside a quoted field; a wrong type.
    const csv = await post('orderId,shop,amountCents,ts\ng3,north,30,2026-05-04T10:20:00Z\nt1,north\nw2,south,abc,2026-05-04T10:20:00Z\nt2,"south,2', 'text/csv')
    expect(csv.body).toEqual({
      accepted: 1,
      rejected: [
        { line: 3, reason: 'csv: 2 fields where the header has 4' },
        { line: 4, reason: 'mapping: field "amountCents": "abc" is not an integer' },
        { line: 5, reason: 'csv: the file ends inside a quoted field' },
      ],
      requestId: expect.any(String),
    })
    // A 10 MB line between two good ones: rejected (over maxRecordBytes), skipped as it streams in.
    const huge = `${JSON.stringify(order('g4', 'north', 40))}\n{"orderId":"${'x'.repeat(10 * 1024 * 1024)}"}\n${JSON.stringify(order('g5', 'south', 50))}\n`
    const big = await post(huge, 'application/x-ndjson')
    expect(big.body).toMatchObject({ accepted: 2, rejected: [{ line: 2, reason: 'ndjson: a line of more than 1048576 bytes (maxRecordBytes)' }] })
    // A JSON array element that is not an object: its index too.
    const array = await post(JSON.stringify([order('g6', 'north', 60), 'oops']), 'application/json')
    expect(array.body).toMatchObject({ accepted: 1, rejected: [{ line: 1, index: 1, reason: 'json: expected a JSON object, got a string' }] })
    const empty = await post('', 'application/x-ndjson')
    expect(empty).toMatchObject({ status: 400, body: { error: 'the body is empty: send at least one event' } })
    accept(order('g1', 'north', 10), order('g2', 'south', 20), order('g3', 'north', 30), order('g4', 'north', 40), order('g5', 'south', 50), order('g6', 'north', 60))
    expect(await served()).toEqual(Object.fromEntries(truth))

    const letters = (await rejectedInputs()).slice(0, (await rejectedInputs()).length - before)
    expect(letters).toHaveLength(8)
    expect(new Set(letters.map((l) => `${l.stage}/${l.source}`))).toEqual(new Set(['ingest/orders-http']))
    const byPosition = new Map(letters.map((l) => [l.position, l]))
    expect(byPosition.get(`request ${lines.body.requestId} line 2`)?.reason).toMatch(/^schema: field "amountCents"/)
    expect(byPosition.get(`request ${csv.body.requestId} line 5`)).toMatchObject({ reason: 'csv: the file ends inside a quoted field', payload: 't2,"south,2' })
    expect(byPosition.get(`request ${big.body.requestId} line 2`)).toMatchObject({ payloadBytes: 1024 })
    expect(byPosition.get(`request ${array.body.requestId} line 1 element 1`)?.payload).toBe('"oops"')
  })

  it('refuses without a credential (401), without the ingest permission (403), other methods (405), unknown streams (404), unknown content types (415)', async () => {
    const body = ndjson([order('x', 'north', 1)])
    const noKey = await fetch(`${tf.baseUrl}/ingest/orders`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
    expect(noKey.status).toBe(401)
    expect(noKey.headers.get('www-authenticate')).toBe('ApiKey header="x-api-key"')
    expect(await noKey.json()).toEqual({ error: 'unauthenticated: an API key is required in the x-api-key header' })
    const reader = await post(body, 'application/x-ndjson', { 'x-api-key': READER })
    expect(reader).toMatchObject({ status: 403, body: { error: expect.stringMatching(/^"reader" may not send events into stream "orders"/) } })
    const get = await fetch(`${tf.baseUrl}/ingest/orders`, { headers: { 'x-api-key': WRITER } })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const unknown = await post(body, 'application/x-ndjson', {}, '/ingest/payments')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatch(/^no route \/ingest\/payments; routes: .*\/ingest\/orders/)
    const xml = await post('<order/>', 'application/xml')
    expect(xml).toMatchObject({ status: 415, body: { error: expect.stringMatching(/^Content-Type "application\/xml" is not accepted; send one of: application\/x-ndjson/) } })
    expect((await post(body, 'application/x-ndjson', { 'idempotency-key': '' })).status).toBe(400)
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it('refuses a body over maxBodyBytes with 413: by its Content-Length before reading it, or once a chunked body passes it', async () => {
    const declared = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${tf.baseUrl}/ingest/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-api-key': WRITER, 'content-length': String(13 * 1024 * 1024) },
      })
      req.on('response', (res) => {
        res.resume()
        resolve({ status: res.statusCode!, connection: res.headers.connection })
      })
      req.on('error', reject)
      req.write('{"orderId":') // the rest never comes: the answer must not wait for it
    })
    expect(declared).toEqual({ status: 413, connection: 'close' })
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${tf.baseUrl}/ingest/orders`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'x-api-key': WRITER } })
      req.on('response', (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode!, body: text }))
      })
      req.on('error', reject)
      const line = `${JSON.stringify(order('big', 'north', 1))}\n`
      const write = (left: number): void => {
        if (left <= 0 || req.destroyed) return void req.end()
        if (req.write(line.repeat(1000))) setImmediate(() => write(left - 1))
        else req.once('drain', () => write(left - 1))
      }
      write(200) // about 15 MB
    }).catch((error: Error) => ({ status: 0, body: error.message }))
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body).error).toMatch(/^the body is larger than 12582912 bytes \(maxBodyBytes\)/)
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it('after a 413, the next request of a keep-alive client (one socket) is answered: the refused body is not read as a request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    /** Posts through the agent; what the server answered, or the error the client saw, within 15 s. */
    const send = (body: Buffer | string, headers: Record<string, string> = {}, partial = false) =>
      new Promise<{ status: number; body: string; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(`${tf.baseUrl}/ingest/orders`, { agent, method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'x-api-key': WRITER, ...headers } })
        const timer = setTimeout(() => reject(new Error('no answer within 15 s: the request hangs')), 15_000)
        req.on('response', (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => {
            clearTimeout(timer)
            resolve({ status: res.statusCode!, body: text, socket: req.socket })
          })
        })
        req.on('error', (error) => {
          clearTimeout(timer)
          resolve({ status: 0, body: error.message, socket: null })
        })
        if (partial) req.write(body)
        else req.end(body)
      })
    try {
      const first = await send(ndjson([order('k1', 'north', 1)]))
      expect(first.status).toBe(200)
      // Declared too large, the body half sent: refused before it is read; the next request is answered on a socket of its own.
      const declared = await send('{"orderId":"k-big","shop":"north","amountCents":1,', { 'content-length': String(13 * 1024 * 1024) }, true)
      expect(declared.status).toBe(413)
      const afterDeclared = await send(ndjson([order('k2', 'north', 2)]))
      expect(afterDeclared.status).toBe(200)
      // A chunked body that passes maxBodyBytes while it is read, sent whole by the client.
      const line = `${JSON.stringify(order('k-big', 'north', 1))}\n`
      const chunked = await send(line.repeat(200_000), { 'transfer-encoding': 'chunked' })
      expect([0, 413]).toContain(chunked.status) // the server may cut the connection before the client has sent all of it
      const afterChunked = await send(ndjson([order('k3', 'north', 3)]))
      expect(afterChunked).toMatchObject({ status: 200 })
      expect(JSON.parse(afterChunked.body)).toMatchObject({ accepted: 1, rejected: [] })
      // A refusal before the body is read (429, 403, 415...) on a keep-alive socket: the next request on it is answered.
      const forbidden = await send(ndjson([order('k-no', 'north', 1)]), { 'x-api-key': READER })
      expect(forbidden.status).toBe(403)
      const afterForbidden = await send(ndjson([order('k4', 'north', 4)]))
      expect(afterForbidden.status).toBe(200)
      expect(afterForbidden.socket).toBe(forbidden.socket) // kept alive: the refused body was drained, not parsed as a request
    } finally {
      agent.destroy()
    }
    accept(order('k1', 'north', 1), order('k2', 'north', 2), order('k3', 'north', 3), order('k4', 'north', 4))
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it('appends a request retried with its Idempotency-Key once, answering the retry with the first outcome; another body with the key is a 422', async () => {
    const body = ndjson([order('i1', 'north', 7), { orderId: 'i2' }])
    const first = await post(body, 'application/x-ndjson', { 'idempotency-key': 'order-batch-17' })
    const again = await post(body, 'application/x-ndjson', { 'idempotency-key': 'order-batch-17' })
    expect(first.body).toMatchObject({ accepted: 1, rejected: [{ line: 2, reason: expect.stringMatching(/^schema:/) }] })
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual({ ...first.body, replayed: true })
    // Concurrent duplicates: one append, every copy answered with its outcome.
    const copies = await Promise.all(Array.from({ length: 5 }, () => post(ndjson([order('i3', 'south', 9)]), 'application/x-ndjson', { 'idempotency-key': 'order-batch-18' })))
    expect(copies.map((c) => c.body.accepted)).toEqual([1, 1, 1, 1, 1])
    const other = await post(ndjson([order('i4', 'south', 1)]), 'application/x-ndjson', { 'idempotency-key': 'order-batch-17' })
    expect(other).toMatchObject({ status: 422, body: { error: expect.stringMatching(/^this Idempotency-Key was used with another body/) } })
    accept(order('i1', 'north', 7), order('i3', 'south', 9))
    expect(await served()).toEqual(Object.fromEntries(truth))
  })

  it('answers 503 with Retry-After once the log is unavailable (closed)', async () => {
    await tf.twinflow.get(TOKENS.EventLog).close()
    // Its batch failed in the log: the source cannot know whether the log kept part of it.
    const failed = await post(ndjson([order('z1', 'north', 1)]), 'application/x-ndjson')
    expect(failed.status).toBe(503)
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(failed.body.error).toMatch(/some may still be appended; retry with the same Idempotency-Key/)
    // The source stopped (a non-retriable error of the log): later requests are refused before they are read.
    const refused = await post(ndjson([order('z2', 'north', 1)]), 'application/x-ndjson')
    expect(refused).toMatchObject({ status: 503, body: { error: expect.stringMatching(/^the source stopped .*nothing was appended/) } })
    expect(refused.headers.get('retry-after')).toBe('5')
  })
})

describe('http source: rate limits', () => {
  let tf: TestPipeline
  beforeAll(async () => {
    tf = await createTestPipeline({
      pipeline,
      now: NOW,
      config: {
        sources: [
          { plugin: 'http', name: 'orders-http', options: { stream: 'orders', rateLimit: { per: 'caller', requestsPerSecond: 2, burstSeconds: 1, eventsPerSecond: 1000 } } },
        ],
        serving: { auth: { mode: 'api-key', keys: [{ name: 'limited', sha256: sha(LIMITED), ingest: ['orders'] }] } },
      },
    })
  })
  afterAll(async () => {
    await tf?.stop()
  })

  it('answers 429 with Retry-After over the rate (the test clock stands still: no refill)', async () => {
    const post = (n: number) =>
      fetch(`${tf.baseUrl}/ingest/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'x-api-key': LIMITED },
        body: ndjsonOf(n),
      })
    const ndjsonOf = (n: number) => `${Array.from({ length: n }, (_, i) => JSON.stringify(order(`r${i}`, 'north', 1))).join('\n')}\n`
    expect((await post(1)).status).toBe(200)
    expect((await post(1)).status).toBe(200)
    const limited = await post(1)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect((await limited.json()).error).toMatch(/^over the rate limit of "limited"/)
    tf.clock.advance('1s')
    expect((await post(2000)).status).toBe(200) // the events bucket goes into debt
    tf.clock.advance('1s')
    const debt = await post(1)
    expect(debt.status).toBe(429)
    expect(Number(debt.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    tf.clock.advance('2s')
    expect((await post(1)).status).toBe(200)
  })
})
