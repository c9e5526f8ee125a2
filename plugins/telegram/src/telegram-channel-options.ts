import { z } from 'zod'

/** Options of the `telegram` channel: a bot, the chat it posts to, and the Bot API's address. */
export const telegramChannelOptionsSchema = z.strictObject({
  /** The bot's token from @BotFather (`123456:ABC-...`). Never logged. */
  token: z.string().regex(/^\d+:[\w-]+$/, 'must be a bot token as @BotFather gives it: digits, a colon, then letters, digits, "_" or "-"'),
  /** The chat to post to: a chat id (`-1001234567890` for a group) or a channel's `@username`. */
  chatId: z.union([z.int(), z.string().regex(/^(-?\d+|@\w{5,})$/, 'must be a numeric chat id or a channel @username')]),
  /** A topic of a forum group (`message_thread_id`). */
  messageThreadId: z.int().positive().optional(),
  /** Post without a sound. @default false */
  silent: z.boolean().default(false),
  /** The Bot API's base URL (a local Bot API server, a proxy, a test server). @default 'https://api.telegram.org' */
  apiBaseUrl: z.url().default('https://api.telegram.org'),
  /** Longest `retry_after` of a 429 answer that a delivery waits for before it calls again, in ms; a longer one fails the attempt (retried later with backoff). @default 30000 */
  maxRetryAfterMs: z.int().min(0).max(600_000).default(30_000),
})

export type TelegramChannelOptions = z.input<typeof telegramChannelOptionsSchema>
export type ResolvedTelegramChannelOptions = z.output<typeof telegramChannelOptionsSchema>
