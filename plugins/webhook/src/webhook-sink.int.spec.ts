import { createHmac } from 'node:crypto'
import { createServer } from 'node:net'
import { Channels, createJsonLogger, definePipeline, defineStream, defineView, count, systemClock, t, type TwinflowError, type Notification } from '@twinflow/core'
import { MemoryDeadLetterQueue } from '@twinflow/plugin-memory'
import { sampleAlert, sinkConformance } from '@twinflow/testing/conformance'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from './webhook-signature.ts'
import { parseWebhookSinkOptions } from './webhook-sink-options.ts'
import { WebhookReceiver } from './webhook-receiver.ts'
import { WebhookSink } from './webhook-sink.ts'
import { webhookSinkPlugin } from './webhook-sink-plugin.ts'

const SECRET = 'a-secret-of-the-receiver-0123'
const never = new AbortController().signal
let receiver: WebhookReceiver
let closedPort: number
beforeAll(async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET })
  // A port nobody listens on: take a free one and let it go.
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closedPort = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
})
afterAll(() => receiver.stop())

const sink = (url = receiver.url, secret = SECRET) => new WebhookSink('hook', parseWebhookSinkOptions({ url, secret }), systemClock)

// The contract every channel keeps, against a receiver that verifies every signature.
sinkConformance('webhook', () => sink(), {
  readBack: async () => receiver.received.map((r) => r.notification),
  unreachable: () => sink(`http://127.0.0.1:${closedPort}/hook`),
})

describe('webhook signatures', () => {
  const body = '{"id":"n-1","kind":"alert"}'
  const now = Date.UTC(2026, 10, 23, 12)
  const signed = signWebhook(SECRET, 'n-1', now / 1000, body)

  it('signs the id, the timestamp and the body with HMAC-SHA256, in the Standard Webhooks headers', () => {
    expect(signed).toEqual({
      'webhook-id': 'n-1',
      'webhook-timestamp': String(now / 1000),
      // echo -n "n-1.1795435200.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
      'webhook-signature': `v1,${createHmac('sha256', SECRET)
        .update(`n-1.${now / 1000}.${body}`)
        .digest('base64')}`,
    })
    expect(verifyWebhook({ secret: SECRET, headers: signed, body, nowMs: now })).toBe('n-1')
  })

  it('uses the decoded bytes of a whsec_ secret, as Standard Webhooks libraries do', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef')
    const secret = `whsec_${key.toString('base64')}`
    const headers = signWebhook(secret, 'n-2', 1000, body)
    const direct = createHmac('sha256', key).update(`n-2.1000.${body}`).digest('base64')
    expect(headers['webhook-signature']).toBe(`v1,${direct}`)
  })

  it('refuses another secret, a changed body or id, an old or future timestamp, a missing header', () => {
    const refused =
      (secret: string, headers: Record<string, string>, b = body, nowMs = now) =>
      () =>
        verifyWebhook({ secret, headers, body: b, nowMs })
    expect(refused('another-secret-0123456789', signed)).toThrow('webhook-signature does not match')
    expect(refused(SECRET, signed, body.replace('alert', 'report'))).toThrow('webhook-signature does not match')
    expect(refused(SECRET, { ...signed, 'webhook-id': 'n-9' })).toThrow('webhook-signature does not match')
    expect(refused(SECRET, signed, body, now + 301_000)).toThrow('refused as a replay')
    expect(refused(SECRET, signed, body, now - 301_000)).toThrow('refused as a replay')
    expect(refused(SECRET, { 'webhook-id': 'n-1', 'webhook-timestamp': signed['webhook-timestamp'] })).toThrow('no webhook-signature header')
    // A rotated secret: any of the signatures may match.
    expect(verifyWebhook({ secret: SECRET, headers: { ...signed, 'webhook-signature': `v1,AAAA ${signed['webhook-signature']}` }, body, nowMs: now })).toBe('n-1')
  })
})

describe('the webhook channel', () => {
  it('sends the notification JSON with its id in webhook-id; classifies the answers', async () => {
    const hook = sink()
    await hook.connect()
    const alert = sampleAlert('alert-webhook-1', 'firing', 'north')
    await hook.deliver(alert, never)
    const got = receiver.received.at(-1)!
    expect(got.headers['webhook-id']).toBe('alert-webhook-1')
    expect(got.headers['content-type']).toBe('application/json')
    expect(got.notification).toEqual(alert)
    const failed = async (status: number) => {
      receiver.failNext(status)
      return hook.deliver(alert, never).then(
        () => null,
        (e: unknown) => e as TwinflowError,
      )
    }
    for (const status of [500, 503, 429, 408]) expect((await failed(status))?.retriable, String(status)).toBe(true)
    for (const status of [400, 404, 410]) expect(await failed(status)).toMatchObject({ kind: 'validation', retriable: false })
    // A receiver with another secret refuses it: 401, not retried.
    const wrong = sink(receiver.url, 'not-the-receivers-secret')
    await wrong.connect()
    expect(await wrong.deliver(alert, never).catch((e: unknown) => e)).toMatchObject({ kind: 'validation', message: expect.stringContaining('answered 401') })
    await hook.close()
  })

  it('with Twinflow’s delivery: retried with backoff through a receiver’s 503s, then dead-lettered after the last attempt', async () => {
    const stream = defineStream('orders', { shop: t.string(), ts: t.eventTime() })
    const pipeline = definePipeline({
      streams: [stream],
      views: [defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: () => ({ n: count() }) })],
    })
    const logger = createJsonLogger({ level: 'silent' })
    const deadLetters = new MemoryDeadLetterQueue({}, { logger })
    await deadLetters.connect()
    const hook = sink()
    await hook.connect()
    const channels = new Channels({
      sinks: [hook],
      settings: (s) => ({ kinds: s.accepts, delivery: { retries: 2, initialDelayMs: 20, maxDelayMs: 100, attemptTimeoutMs: 2000 }, where: 'sinks[0]' }),
      deadLetters,
      pipeline,
      clock: systemClock,
      logger,
    })
    const before = receiver.received.length
    receiver.failNext(503, 503)
    const delivered: Notification = sampleAlert('alert-retried', 'firing', 'north')
    expect(await channels.send(delivered)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3 })])
    expect(receiver.received.slice(before).map((r) => r.notification.id)).toEqual(['alert-retried'])
    receiver.failNext(503, 503, 503)
    expect(await channels.send(sampleAlert('alert-dead', 'firing', 'south'))).toEqual([expect.objectContaining({ status: 'dead-lettered', attempts: 3 })])
    expect(deadLetters.letters()).toEqual([expect.objectContaining({ stage: 'channel:hook', reason: expect.stringMatching(/^undeliverable: .*answered 503/) })])
  })

  it('says what to fix in its options, never echoing the secret', () => {
    expect(() => webhookSinkPlugin.parseOptions({ url: 'ftp://x', secret: 'x'.repeat(20) })).toThrow(/url: must be an http:\/\/ or https:\/\/ URL/)
    expect(() => webhookSinkPlugin.parseOptions({ url: 'https://x.example/h', secret: 'short-secret' })).toThrow(/secret: must be at least 16 characters/)
    expect(() => webhookSinkPlugin.parseOptions({ url: 'https://x.example/h', secret: 'x'.repeat(20), retries: 3 })).toThrow(/unknown|retries/)
    const error = (() => {
      try {
        webhookSinkPlugin.parseOptions({ url: 'nope', secret: 'secret-value-1234567890' })
      } catch (e) {
        return String(e)
      }
    })()
    expect(error).not.toContain('secret-value-1234567890')
  })
})
