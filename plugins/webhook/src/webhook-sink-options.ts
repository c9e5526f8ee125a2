import { NOTIFICATION_KINDS, parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Options of the `webhook` sink plugin. */
export const webhookSinkOptionsSchema = z.strictObject({
  /** Where the notifications are POSTed: an http(s) URL. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /**
   * The signing secret, shared with the receiver (at least 16 characters; a `whsec_<base64>` secret
   * of the Standard Webhooks form is used as its decoded bytes). Never logged.
   */
  secret: z.string().min(16, 'must be at least 16 characters: the receiver checks the signature with it'),
  /** Headers added to every request (e.g. an Authorization the receiver's gateway wants). @default {} */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string()).default({}),
  /** The kinds of notification it delivers. @default every kind */
  kinds: z
    .array(z.enum(NOTIFICATION_KINDS))
    .min(1)
    .default([...NOTIFICATION_KINDS]),
})

export type WebhookSinkOptionsInput = z.input<typeof webhookSinkOptionsSchema>
export type WebhookSinkOptions = z.output<typeof webhookSinkOptionsSchema>

/** Validates the options of the webhook sink; messages say what to fix (the secret is never echoed). */
export function parseWebhookSinkOptions(raw: unknown): WebhookSinkOptions {
  return parseOptions(webhookSinkOptionsSchema, raw ?? {})
}
