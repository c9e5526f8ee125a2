import type { Notification, NotificationKind } from './notification.ts'

/**
 * A notification channel: where view changes, alert events and reports go (a webhook, a Kafka
 * topic, email, a chat, a file...). Built-in and third-party channels are `sink` plugins alike.
 *
 * Lifecycle: `connect()` → `deliver()` any number of times, concurrently → `close()` (idempotent;
 * `connect()` after `close()` connects again). A `connect` that fails (the destination is down when
 * the process starts) does not stop the process: Twinflow logs it, and the channel's deliveries
 * connect again (a retriable error while the destination is down).
 *
 * One `deliver` is ONE attempt to hand one notification to the destination; it resolves once the
 * destination has it (acknowledged where it acknowledges). Twinflow (`Channels`) does the rest,
 * the same for every channel:
 * - delivery is **at-least-once**: an attempt that failed is retried with exponential backoff
 *   (`sinks[].delivery`: retries, delays, a timeout per attempt, which aborts `signal`), and a
 *   notification whose state was not recorded as delivered before a crash is delivered again. The
 *   notification's `id` is its idempotency key: every delivery of it has the same id, so a receiver
 *   drops duplicates by id. Channels should put it where receivers can see it (a header, a key).
 * - after the last attempt, the notification goes to the **dead-letter queue** (stream: the
 *   stream of the view it is about; stage `channel:<name>`; reason `undeliverable: ...`), counted and
 *   logged. A channel that fails **never stops** the speed or the batch layer, nor the alert role.
 * - a channel whose last notification was dead-lettered is **failing**: its next notifications get
 *   one attempt each, no backoff, until one is delivered (a channel that is down costs the speed
 *   layer one attempt per batch, not the whole backoff).
 *
 * Errors of `deliver`: reject with a `TwinflowError`; `retriable` (`unavailable`: the destination
 * is down, timed out, answered 5xx or 429) is retried; non-retriable (`validation`: the destination
 * refused this notification for good, e.g. a 4xx; `config`: bad credentials) goes straight to the
 * dead letter. A `deliver` before `connect()` or after `close()` rejects; a `signal` that aborts
 * (timeout, stop) rejects promptly with its reason. A notification of a kind not in `accepts` is
 * never delivered to the channel.
 */
export interface Sink {
  /** The channel's name in the config (`sinks[].name`): what alerts and reports name. */
  readonly name: string
  /** The kinds of notification this channel can deliver. */
  readonly accepts: readonly NotificationKind[]
  connect(): Promise<void>
  deliver(notification: Notification, signal: AbortSignal): Promise<void>
  close(): Promise<void>
}
