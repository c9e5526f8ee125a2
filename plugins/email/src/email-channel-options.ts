import { z } from 'zod'

const address = z.string().min(3).regex(/@/, 'must be an email address (name@example.com, or "Name <name@example.com>")')

/** Options of the `email` channel: an SMTP server, its credentials and TLS, and who sends and receives. */
export const emailChannelOptionsSchema = z.strictObject({
  /** The SMTP server's host name. */
  host: z.string().min(1),
  /** @default 587 (submission, STARTTLS); 465 is TLS from the start (`secure`) */
  port: z.int().min(1).max(65535).default(587),
  /** TLS from the first byte (SMTPS, usually port 465). @default true on port 465, else false (STARTTLS) */
  secure: z.boolean().optional(),
  /** Refuse to send unless the server upgrades the connection with STARTTLS (when not `secure`). @default true */
  requireTLS: z.boolean().default(true),
  /** The account to log in with (AUTH PLAIN or LOGIN, over TLS). None: no login. */
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  tls: z
    .strictObject({
      /** PEM certificates to trust besides the system's (a private CA, a self-signed server certificate). */
      ca: z.string().min(1).optional(),
      /** The name to check the server's certificate against. @default host */
      servername: z.string().min(1).optional(),
      /** Check the server's certificate. Turning it off lets anyone in the middle read the mail and the password. @default true */
      rejectUnauthorized: z.boolean().default(true),
    })
    .default({ rejectUnauthorized: true }),
  /** The sender, e.g. `"Twinflow <reports@example.com>"`. */
  from: address,
  /** Recipients. */
  to: z.array(address).min(1),
  cc: z.array(address).default([]),
  bcc: z.array(address).default([]),
  /** Put in front of every subject. @default '' */
  subjectPrefix: z.string().default(''),
  /** How long to wait for the connection, the greeting and each command, in ms. @default 10000 */
  timeoutMs: z.int().min(100).max(300_000).default(10_000),
})

export type EmailChannelOptions = z.input<typeof emailChannelOptionsSchema>
export type ResolvedEmailChannelOptions = z.output<typeof emailChannelOptionsSchema>
