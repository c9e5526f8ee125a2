import nodemailer, { type Transporter } from 'nodemailer'
import { TwinflowError, type Logger, type Notification, type NotificationKind, type Sink } from '@twinflow/core'
import type { ResolvedEmailChannelOptions } from './email-channel-options.ts'
import { emailMessage } from './email-message.ts'

/** Codes of nodemailer errors that mean the server could not be reached or dropped the connection: worth a retry. */
const UNREACHABLE = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPROTOCOL'])
/** TLS certificate failures: the server is not who the options say (fix `tls`), never retried. */
const CERTIFICATE = /certificate|self[- ]signed|altname|CERT_/i

/** A nodemailer failure as the channel contract's error: retriable when the server was down or said "try later" (4xx). */
export function classifySmtpError(error: unknown, channel: string): TwinflowError {
  const e = error as { code?: string; responseCode?: number; message?: string; response?: string }
  const detail = `channel "${channel}": ${e.response ?? e.message ?? String(error)}`
  const context = { channel, code: e.code, responseCode: e.responseCode }
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 530)
    return new TwinflowError('config', `${detail} (check auth.user and auth.pass)`, { cause: error, context })
  if (CERTIFICATE.test(`${e.message ?? ''} ${e.code ?? ''}`))
    return new TwinflowError('config', `${detail} (the server's certificate is not trusted: set tls.ca, or tls.servername)`, { cause: error, context })
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return new TwinflowError('validation', `${detail} (refused for good)`, { cause: error, context })
  if (typeof e.responseCode === 'number' && e.responseCode >= 400) return new TwinflowError('unavailable', `${detail} (try again later)`, { cause: error, context })
  if (e.code === undefined || UNREACHABLE.has(e.code) || e.code === 'ETLS') return new TwinflowError('unavailable', detail, { cause: error, context })
  return new TwinflowError('validation', detail, { cause: error, context })
}

/**
 * A notification channel that sends alert events and reports by email over SMTP (nodemailer):
 * TLS (STARTTLS required by default, or SMTPS), login, an HTML body with each chart inline (by its
 * content id) and a plain-text alternative. Every mail of a notification has the same Message-ID
 * and an `X-Twinflow-Notification-Id` header (its idempotency key). One connection per delivery
 * (no pool): a delivery that fails leaves nothing behind.
 */
export class EmailChannel implements Sink {
  readonly accepts: readonly NotificationKind[] = ['alert', 'report']
  #transport: Transporter | null = null

  constructor(
    readonly name: string,
    private readonly options: ResolvedEmailChannelOptions,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    const o = this.options
    this.#transport ??= nodemailer.createTransport({
      host: o.host,
      port: o.port,
      secure: o.secure ?? o.port === 465,
      requireTLS: o.requireTLS,
      auth: o.auth,
      tls: { ca: o.tls.ca, servername: o.tls.servername, rejectUnauthorized: o.tls.rejectUnauthorized },
      connectionTimeout: o.timeoutMs,
      greetingTimeout: o.timeoutMs,
      socketTimeout: o.timeoutMs,
    })
  }

  async close(): Promise<void> {
    this.#transport?.close()
    this.#transport = null
  }

  async deliver(notification: Notification, signal: AbortSignal): Promise<void> {
    const transport = this.#transport
    if (!transport) throw new TwinflowError('internal', `channel "${this.name}" is not connected (call connect() first)`)
    signal.throwIfAborted()
    if (notification.kind !== 'alert' && notification.kind !== 'report') {
      throw new TwinflowError('validation', `channel "${this.name}" delivers alert and report notifications, not ${notification.kind}`)
    }
    const o = this.options
    const message = emailMessage(notification)
    const sending = transport.sendMail({ ...message, subject: `${o.subjectPrefix}${message.subject}`, from: o.from, to: o.to, cc: o.cc, bcc: o.bcc })
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      sending.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {})
    })
    try {
      const info = await Promise.race([sending, aborted])
      this.logger.debug('mail sent', { notification: notification.id, messageId: info.messageId, response: info.response })
    } catch (error) {
      if (signal.aborted) throw signal.reason
      throw classifySmtpError(error, this.name)
    }
  }
}
