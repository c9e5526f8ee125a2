import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The headers of a signed webhook request (the Standard Webhooks scheme, standardwebhooks.com):
 * - `webhook-id`: the notification's id (its idempotency key: drop the ids you have seen);
 * - `webhook-timestamp`: when the request was signed, in whole seconds since the epoch;
 * - `webhook-signature`: `v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where
 *   `<body>` is the request body as sent (the exact bytes) and `key` is the secret's bytes: the
 *   base64 after `whsec_` for a secret in that form, else the secret's UTF-8 bytes.
 */
export type WebhookSignatureHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

/** The key of a secret (see WebhookSignatureHeaders). */
export function webhookKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8')
}

/** Signs a request body: the three headers to send with it. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): WebhookSignatureHeaders {
  const signature = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` }
}

export interface VerifyWebhookOptions {
  secret: string
  /** The request's headers (names in lower case, as Node gives them). */
  headers: Record<string, string | string[] | undefined>
  /** The body exactly as received (verify before parsing it). */
  body: string | Buffer
  /** How far the timestamp may be from now, in seconds: an older request is refused as a replay. @default 300 */
  toleranceSeconds?: number
  /** @default Date.now() */
  nowMs?: number
}

/**
 * Checks a webhook request as a receiver must: a signature of the secret over its id, timestamp and
 * body (compared in constant time; any of the space-separated `v1,` signatures may match, so a
 * secret can be rotated), and a timestamp within the tolerance (no replay of an old request).
 * Returns the notification's id; throws an Error that says which check failed.
 */
export function verifyWebhook(options: VerifyWebhookOptions): string {
  const header = (name: string) => {
    const value = options.headers[name]
    if (typeof value !== 'string' || value === '') throw new Error(`the request has no ${name} header`)
    return value
  }
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const seconds = Number(timestamp)
  if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new Error(`webhook-timestamp is not whole seconds: ${timestamp}`)
  const tolerance = options.toleranceSeconds ?? 300
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000)
  if (Math.abs(now - seconds) > tolerance) throw new Error(`webhook-timestamp ${timestamp} is more than ${tolerance} s from now (${now}): refused as a replay`)
  const body = typeof options.body === 'string' ? options.body : options.body.toString('utf8')
  const expected = Buffer.from(signWebhook(options.secret, id, seconds, body)['webhook-signature'].slice(3), 'base64')
  const matches = header('webhook-signature')
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => {
      const given = Buffer.from(s.slice(3), 'base64')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
  if (!matches) throw new Error('webhook-signature does not match: another secret, or the body or headers changed on the way')
  return id
}
