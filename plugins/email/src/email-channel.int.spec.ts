import { createServer } from 'node:net'
import { createJsonLogger, NOTIFICATION_KINDS, TwinflowError, type ReportNotification } from '@twinflow/core'
import { sinkConformance } from '@twinflow/testing/conformance'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmailChannel } from './email-channel.ts'
import { emailChannelOptionsSchema, type EmailChannelOptions } from './email-channel-options.ts'
import { NOTIFICATION_ID_HEADER } from './email-message.ts'
import { TestSmtpServer } from './testing/test-smtp-server.ts'

const server = new TestSmtpServer()
beforeAll(() => server.start())
afterAll(() => server.stop())

const options = (over: Partial<EmailChannelOptions> = {}) =>
  emailChannelOptionsSchema.parse({
    host: 'localhost',
    port: server.port,
    auth: { user: server.user, pass: server.password },
    tls: { ca: server.certificate.cert },
    from: 'Twinflow <reports@example.com>',
    to: ['team@example.com'],
    timeoutMs: 5000,
    ...over,
  })
const channel = (over: Partial<EmailChannelOptions> = {}) => new EmailChannel('mail', options(over), createJsonLogger({ level: 'silent' }))

sinkConformance('email (smtp-server, STARTTLS and AUTH)', () => channel(), {
  readBackIds: async () => server.received.map((m) => String(m.parsed.headers.get(NOTIFICATION_ID_HEADER.toLowerCase()))),
  unreachable: async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()))
    const port = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    return channel({ port })
  },
})

const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'))
const report = (id: string): ReportNotification => ({
  kind: 'report',
  id,
  createdAt: Date.parse('2026-11-24T00:00:05Z'),
  report: {
    name: 'daily',
    title: 'Revenue yesterday — every shop',
    html: '<html><body><h1>Revenue</h1><table><tr><td>north</td><td>1,200</td></tr></table><img src="cid:chart-0@twinflow"></body></html>',
    text: 'Revenue\nnorth  1,200\n',
    table: { columns: ['shop', 'revenue'], rows: [['north', 1200]] },
    attachments: [{ contentId: 'chart-0@twinflow', filename: 'chart.png', contentType: 'image/png', content: PNG }],
    views: ['revenue'],
    period: { from: Date.parse('2026-11-22T17:00:00Z'), to: Date.parse('2026-11-23T17:00:00Z') },
  },
})

describe('EmailChannel', () => {
  it('sends a report over STARTTLS with login: HTML, the text alternative and the chart inline by its content id', async () => {
    const mail = channel({ subjectPrefix: '[shop] ', cc: ['boss@example.com'] })
    await mail.connect()
    const before = server.received.length
    await mail.deliver(report('report/daily/2026-11-24T00:00:00.000Z'), AbortSignal.timeout(10_000))
    await mail.close()
    const received = server.received[before]!
    expect(received.secure).toBe(true)
    expect(received.user).toBe('reports')
    expect(received.envelope).toEqual({ from: 'reports@example.com', to: ['team@example.com', 'boss@example.com'] })
    const parsed = received.parsed
    expect(parsed.subject).toBe('[shop] Revenue yesterday — every shop')
    expect(parsed.html).toContain('<td>north</td><td>1,200</td>')
    expect(parsed.text).toBe('Revenue\nnorth  1,200\n')
    expect(parsed.headers.get('x-twinflow-notification-id')).toBe('report/daily/2026-11-24T00:00:00.000Z')
    expect(parsed.headers.get('x-twinflow-report')).toBe('daily')
    expect(parsed.messageId).toBe(`<${Buffer.from('report/daily/2026-11-24T00:00:00.000Z').toString('base64url')}@twinflow.notification>`)
    expect(parsed.attachments).toHaveLength(1)
    const [chart] = parsed.attachments
    expect(chart!.contentId).toBe('<chart-0@twinflow>')
    expect(chart!.contentDisposition).toBe('inline')
    expect(chart!.contentType).toBe('image/png')
    expect(Buffer.compare(chart!.content, Buffer.from(PNG))).toBe(0)
  })

  it('classifies failures: a bad password is a config error, 4xx retriable, 5xx refused for good, an untrusted certificate a config error', async () => {
    const attempt = async (mail: EmailChannel) => {
      await mail.connect()
      try {
        return await mail.deliver(report('r'), AbortSignal.timeout(10_000)).then(
          () => null,
          (e: unknown) => e as TwinflowError,
        )
      } finally {
        await mail.close()
      }
    }
    const badLogin = await attempt(channel({ auth: { user: 'reports', pass: 'wrong' } }))
    expect(TwinflowError.is(badLogin, 'config') && !badLogin.retriable).toBe(true)
    expect(badLogin!.message).toMatch(/check auth.user and auth.pass/)
    server.failNext(451)
    const later = await attempt(channel())
    expect(TwinflowError.is(later, 'unavailable') && later.retriable).toBe(true)
    server.failNext(554)
    const refused = await attempt(channel())
    expect(TwinflowError.is(refused, 'validation') && !refused.retriable).toBe(true)
    const untrusted = await attempt(channel({ tls: { rejectUnauthorized: true } }))
    expect(TwinflowError.is(untrusted, 'config'), String(untrusted)).toBe(true)
    expect(untrusted!.message).toMatch(/certificate is not trusted/)
  })

  it('takes only alert and report notifications; refuses options that cannot work, saying what to fix', () => {
    expect(channel().accepts).toEqual(NOTIFICATION_KINDS.filter((k) => k !== 'view-changes'))
    expect(() => emailChannelOptionsSchema.parse({ host: 'smtp', from: 'nobody', to: [] })).toThrow()
  })
})
