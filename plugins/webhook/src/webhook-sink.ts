import { encodeNotification, TwinflowError, type Clock, type Notification, type NotificationKind, type Sink } from '@twinflow/core'
import { signWebhook } from './webhook-signature.ts'
import type { WebhookSinkOptions } from './webhook-sink-options.ts'

/** Answers worth another attempt: a timeout, too early, too many, or a server error. */
const RETRIABLE_STATUS = new Set([408, 425, 429])

/**
 * A notification channel to an HTTP endpoint: each notification is one POST of its JSON
 * (`encodeNotification`: `id`, `kind`, `createdAt` and the alert, view changes or report; report
 * attachments in base64), signed with HMAC-SHA256 in the Standard Webhooks headers
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`; see WebhookSignatureHeaders): the
 * timestamp is in the signed content, so a receiver refuses replays, and the id is the
 * notification's idempotency key, so it drops duplicates. Each attempt is signed afresh.
 * Errors: a 2xx is delivered; a network failure, a timeout, 408, 425, 429 or 5xx is retriable
 * (`unavailable`); any other answer is the receiver's refusal (`validation`, not retried: the
 * notification goes to the dead letter).
 */
export class WebhookSink implements Sink {
  readonly accepts: readonly NotificationKind[]
  #connected = false

  constructor(
    readonly name: string,
    private readonly options: WebhookSinkOptions,
    private readonly clock: Clock,
  ) {
    this.accepts = options.kinds
  }

  async connect(): Promise<void> {
    this.#connected = true
  }

  async close(): Promise<void> {
    this.#connected = false
  }

  async deliver(notification: Notification, signal: AbortSignal): Promise<void> {
    if (!this.#connected) throw new TwinflowError('unavailable', `webhook "${this.name}" is not connected (call connect() first)`, { retriable: false })
    signal.throwIfAborted()
    const body = JSON.stringify(encodeNotification(notification))
    const signed = signWebhook(this.options.secret, notification.id, Math.floor(this.clock.now() / 1000), body)
    const where = { channel: this.name, url: this.options.url, notification: notification.id }
    let response: Response
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json', 'user-agent': 'twinflow-webhook', ...signed },
        body,
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw signal.reason
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      throw new TwinflowError('unavailable', `webhook "${this.name}": POST ${this.options.url} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, {
        cause: error,
        context: where,
      })
    }
    const answer = await response.text().catch(() => '')
    if (response.ok) return
    const detail = `webhook "${this.name}": ${this.options.url} answered ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`
    if (response.status >= 500 || RETRIABLE_STATUS.has(response.status)) throw new TwinflowError('unavailable', detail, { context: { ...where, status: response.status } })
    throw new TwinflowError('validation', detail, { context: { ...where, status: response.status } })
  }
}
