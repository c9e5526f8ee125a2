import { TwinflowError, type Logger, type Notification, type NotificationKind, type Sink } from '@twinflow/core'
import type { ResolvedTelegramChannelOptions } from './telegram-channel-options.ts'
import { telegramParts, type TelegramPart } from './telegram-messages.ts'

/** The Bot API's answer: `ok`, or an error code, a description and, for 429, `parameters.retry_after` (seconds). */
interface BotApiAnswer {
  ok: boolean
  error_code?: number
  description?: string
  parameters?: { retry_after?: number }
}

/** Notifications whose first parts went through, by id: a retried delivery resumes after them (no repeated message). */
const MAX_REMEMBERED = 1000

/**
 * A notification channel that posts alert events and reports to a Telegram chat through the Bot
 * API: `sendMessage` (HTML) for text, `sendPhoto` (multipart) for each chart. A 429 answer's
 * `retry_after` is waited for (up to `maxRetryAfterMs`, else the attempt fails and is retried
 * with backoff); 5xx and network failures are retriable; 401, 403 and 404 (a bad token, a bot not
 * in the chat) are config errors; other 4xx refuse the notification for good. A notification that
 * takes several calls and fails part way resumes, on its next attempt, after the calls that went
 * through. The token is never logged nor put in an error.
 */
export class TelegramChannel implements Sink {
  readonly accepts: readonly NotificationKind[] = ['alert', 'report']
  readonly #sent = new Map<string, number>()
  #connected = false

  constructor(
    readonly name: string,
    private readonly options: ResolvedTelegramChannelOptions,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    this.#connected = true
  }

  async close(): Promise<void> {
    this.#connected = false
  }

  async deliver(notification: Notification, signal: AbortSignal): Promise<void> {
    if (!this.#connected) throw new TwinflowError('internal', `channel "${this.name}" is not connected (call connect() first)`)
    signal.throwIfAborted()
    if (notification.kind !== 'alert' && notification.kind !== 'report') {
      throw new TwinflowError('validation', `channel "${this.name}" delivers alert and report notifications, not ${notification.kind}`)
    }
    const parts = telegramParts(notification)
    for (let i = this.#sent.get(notification.id) ?? 0; i < parts.length; i++) {
      await this.#call(parts[i]!, signal)
      this.#remember(notification.id, i + 1)
    }
    this.#sent.delete(notification.id)
  }

  #remember(id: string, done: number): void {
    this.#sent.delete(id)
    this.#sent.set(id, done)
    if (this.#sent.size > MAX_REMEMBERED) this.#sent.delete(this.#sent.keys().next().value!)
  }

  async #call(part: TelegramPart, signal: AbortSignal): Promise<void> {
    const o = this.options
    for (;;) {
      const common = { chat_id: o.chatId, ...(o.messageThreadId ? { message_thread_id: o.messageThreadId } : {}), ...(o.silent ? { disable_notification: true } : {}) }
      let body: string | FormData
      let headers: Record<string, string> = {}
      if (part.method === 'sendMessage') {
        body = JSON.stringify({ ...common, text: part.text, parse_mode: 'HTML', link_preview_options: { is_disabled: true } })
        headers = { 'content-type': 'application/json' }
      } else {
        const form = new FormData()
        for (const [k, v] of Object.entries(common)) form.set(k, String(v))
        form.set('caption', part.caption)
        form.set('parse_mode', 'HTML')
        form.set('photo', new Blob([Uint8Array.from(part.photo)], { type: 'image/png' }), part.filename)
        body = form
      }
      let response: Response
      try {
        response = await fetch(`${o.apiBaseUrl.replace(/\/+$/, '')}/bot${o.token}/${part.method}`, { method: 'POST', body, headers, signal })
      } catch (error) {
        if (signal.aborted) throw signal.reason
        throw new TwinflowError('unavailable', `channel "${this.name}": the Bot API did not answer ${part.method} (${(error as Error).message})`, { cause: error })
      }
      const answer = (await response.json().catch(() => ({ ok: false, description: `a ${response.status} answer that is not JSON` }))) as BotApiAnswer
      if (response.ok && answer.ok) return
      const status = answer.error_code ?? response.status
      const what = `channel "${this.name}": ${part.method} answered ${status} ${answer.description ?? ''}`.trimEnd()
      const context = { channel: this.name, method: part.method, status }
      if (status === 429) {
        const waitMs = Math.max(0, (answer.parameters?.retry_after ?? 1) * 1000)
        if (waitMs > o.maxRetryAfterMs) throw new TwinflowError('unavailable', `${what} (retry after ${waitMs} ms, more than maxRetryAfterMs)`, { context })
        this.logger.warn('Bot API rate limit; waiting as asked', { method: part.method, waitMs })
        await sleep(waitMs, signal)
        continue
      }
      if (status >= 500) throw new TwinflowError('unavailable', what, { context })
      if (status === 401 || status === 403 || status === 404)
        throw new TwinflowError('config', `${what} (check the token, and that the bot is a member of chat ${o.chatId})`, { context })
      throw new TwinflowError('validation', `${what} (refused for good)`, { context })
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
