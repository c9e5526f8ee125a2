import { createServer } from 'node:net'
import {
  Channels,
  count,
  createJsonLogger,
  definePipeline,
  defineStream,
  defineView,
  deliveryOptionsSchema,
  systemClock,
  t,
  TwinflowError,
  type ReportNotification,
} from '@twinflow/core'
import { MemoryDeadLetterQueue } from '@twinflow/plugin-memory'
import { sinkConformance } from '@twinflow/testing/conformance'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TelegramChannel } from './telegram-channel.ts'
import { telegramChannelOptionsSchema, type TelegramChannelOptions } from './telegram-channel-options.ts'
import { TestBotApi, visibleText } from './testing/test-bot-api.ts'

const api = new TestBotApi()
beforeAll(() => api.start())
afterAll(() => api.stop())

const silent = createJsonLogger({ level: 'silent' })
const channel = (over: Partial<TelegramChannelOptions> = {}) =>
  new TelegramChannel('team-chat', telegramChannelOptionsSchema.parse({ token: api.token, chatId: -1001234567890, apiBaseUrl: api.url, ...over }), silent)
/** The id line each notification's first message ends with. */
const idOf = (text: unknown) => /twinflow (\S+)$/.exec(visibleText(String(text)))?.[1]

sinkConformance('telegram (test Bot API server)', () => channel(), {
  readBackIds: async () => api.calls.filter((c) => c.method === 'sendMessage' && idOf(c.fields.text)).map((c) => idOf(c.fields.text)!),
  unreachable: async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()))
    const port = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    return channel({ apiBaseUrl: `http://127.0.0.1:${port}` })
  },
})

const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'))
const report = (id: string, text = 'shop  revenue\n----  -------\na<b      1,200\n'): ReportNotification => ({
  kind: 'report',
  id,
  createdAt: Date.parse('2026-11-24T00:00:05Z'),
  report: {
    name: 'daily',
    title: 'Revenue & orders',
    html: '<html></html>',
    text,
    table: { columns: ['shop', 'revenue'], rows: [['a<b', 1200]] },
    attachments: [
      { contentId: 'c0', filename: 'revenue.png', contentType: 'image/png', content: PNG },
      { contentId: 'c1', filename: 'orders.png', contentType: 'image/png', content: PNG },
    ],
    views: ['revenue'],
    period: { from: 0, to: 86_400_000 },
  },
})
const since = (n: number) => api.calls.slice(n)

describe('TelegramChannel', () => {
  it('posts a report as a text table in <pre> (sendMessage) and each chart as a photo (sendPhoto, multipart)', async () => {
    const chat = channel({ messageThreadId: 7, silent: true })
    await chat.connect()
    const before = api.calls.length
    await chat.deliver(report('report/daily/1'), AbortSignal.timeout(10_000))
    const [message, photo1, photo2] = since(before)
    expect(since(before).map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto', 'sendPhoto'])
    expect(message!.fields).toMatchObject({ chat_id: -1001234567890, parse_mode: 'HTML', message_thread_id: 7, disable_notification: true })
    expect(message!.fields.text).toBe('<b>Revenue &amp; orders</b>\n<pre>shop  revenue\n----  -------\na&lt;b      1,200</pre>\n<i>twinflow report/daily/1</i>')
    expect(photo1!.fields).toMatchObject({ chat_id: '-1001234567890', caption: 'Revenue &amp; orders (1/2)', parse_mode: 'HTML', message_thread_id: '7' })
    expect(photo1!.photo).toMatchObject({ filename: 'revenue.png', type: 'image/png' })
    expect(Buffer.compare(photo2!.photo!.bytes, Buffer.from(PNG))).toBe(0)
    expect(api.refused).toEqual([])
  })

  it('cuts a long report into messages Telegram takes (4096 visible characters each)', async () => {
    const chat = channel()
    await chat.connect()
    const lines = Array.from({ length: 400 }, (_, i) => `shop-${String(i).padStart(3, '0')} & <co>   ${i * 1000}`)
    const before = api.calls.length
    await chat.deliver(
      { ...report('report/long', `${lines.join('\n')}\n`), report: { ...report('x').report, text: `${lines.join('\n')}\n`, attachments: [] } },
      AbortSignal.timeout(10_000),
    )
    const messages = since(before).map((c) => visibleText(String(c.fields.text)))
    expect(messages.length).toBeGreaterThan(2)
    for (const m of messages) expect(m.length).toBeLessThanOrEqual(4096)
    expect(messages.join('\n')).toContain(lines[399])
    expect(messages.flatMap((m) => m.split('\n')).filter((l) => l.startsWith('shop-'))).toEqual(lines)
    expect(api.refused).toEqual([])
  })

  it("waits a 429's retry_after, then goes on; a retried delivery resumes after the calls that went through", async () => {
    const chat = channel()
    await chat.connect()
    const before = api.calls.length
    api.answerNext(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } })
    const started = Date.now()
    await chat.deliver(report('report/limited'), AbortSignal.timeout(10_000))
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(since(before).map((c) => c.method)).toEqual(['sendMessage', 'sendPhoto', 'sendPhoto'])

    const mid = api.calls.length
    // The message goes through, then the first photo fails: the retry sends the photos only.
    api.answerNext(200, { ok: true, result: { message_id: 1 } })
    api.answerNext(502, { ok: false, error_code: 502, description: 'Bad Gateway' })
    const error = await chat.deliver(report('report/partial'), AbortSignal.timeout(10_000)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(TwinflowError.is(error, 'unavailable') && error.retriable).toBe(true)
    await chat.deliver(report('report/partial'), AbortSignal.timeout(10_000))
    expect(since(mid).map((c) => c.method)).toEqual(['sendPhoto', 'sendPhoto'])
  })

  it('classifies answers: a wrong token is a config error, a 400 refuses the notification for good, a long retry_after fails the attempt', async () => {
    const attempt = async (chat: TelegramChannel) => {
      await chat.connect()
      return chat.deliver(report(`r-${Math.random()}`), AbortSignal.timeout(10_000)).then(
        () => null,
        (e: unknown) => e as TwinflowError,
      )
    }
    const badToken = await attempt(channel({ token: '999:WRONG' }))
    expect(TwinflowError.is(badToken, 'config') && !badToken.retriable).toBe(true)
    expect(badToken!.message).not.toContain('WRONG')
    api.answerNext(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' })
    const refused = await attempt(channel())
    expect(TwinflowError.is(refused, 'validation') && !refused.retriable).toBe(true)
    api.answerNext(429, { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 120 } })
    const limited = await attempt(channel())
    expect(TwinflowError.is(limited, 'unavailable') && limited.retriable).toBe(true)
  })

  it('through Channels: retried with backoff, then dead-lettered after the last attempt, and the sender goes on', async () => {
    const stream = defineStream('orders', { shop: t.string(), ts: t.eventTime() })
    const revenue = defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: () => ({ orders: count() }) })
    const deadLetters = new MemoryDeadLetterQueue({}, { logger: silent })
    await deadLetters.connect()
    const chat = channel()
    await chat.connect()
    const channels = new Channels({
      sinks: [chat],
      settings: () => ({ kinds: ['report'], delivery: deliveryOptionsSchema.parse({ retries: 2, initialDelayMs: 10, maxDelayMs: 20 }), where: 'sinks[0]' }),
      deadLetters,
      pipeline: definePipeline({ streams: [stream], views: [revenue] }),
      clock: systemClock,
      logger: silent,
    })
    for (let i = 0; i < 3; i++) api.answerNext(500, { ok: false, error_code: 500, description: 'Internal Server Error' })
    const [outcome] = await channels.send(report('report/doomed'))
    expect(outcome).toMatchObject({ channel: 'team-chat', status: 'dead-lettered', attempts: 3 })
    const [letter] = deadLetters.letters()
    expect(letter).toMatchObject({ stream: 'orders', stage: 'channel:team-chat' })
    expect(letter!.reason).toMatch(/^undeliverable: delivery to channel "team-chat" failed after 3 attempts: channel "team-chat": sendMessage answered 500/)
    const [next] = await channels.send(report('report/next'))
    expect(next).toMatchObject({ status: 'delivered', attempts: 1 })
  })

  it('refuses options that cannot work, saying what to fix', () => {
    expect(() => telegramChannelOptionsSchema.parse({ token: 'nope', chatId: 1 })).toThrow(/must be a bot token/)
    expect(() => telegramChannelOptionsSchema.parse({ token: api.token, chatId: 'team' })).toThrow(/numeric chat id or a channel @username/)
  })
})
