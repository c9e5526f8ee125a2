import { z } from 'zod'
import { NOTIFICATION_KINDS } from '../contracts/notification.ts'

/** How Twinflow delivers to one channel: `sinks[].delivery` in the config. */
export const deliveryOptionsSchema = z.strictObject({
  /** Attempts after the first; then the notification goes to the dead-letter queue. @default 5 */
  retries: z.int().min(0).max(50).default(5),
  /** Delay before the first retry, in ms; each next delay is twice the last (±20 %). @default 500 */
  initialDelayMs: z.int().min(0).max(3_600_000).default(500),
  /** Upper bound of one delay, in ms. @default 30000 */
  maxDelayMs: z.int().min(0).max(3_600_000).default(30_000),
  /** How long one attempt may take before it is aborted and counted as failed (retriable), in ms. @default 10000 */
  attemptTimeoutMs: z.int().min(1).max(600_000).default(10_000),
})

export type DeliveryOptions = z.input<typeof deliveryOptionsSchema>
export type ResolvedDeliveryOptions = z.output<typeof deliveryOptionsSchema>

/** The notification kinds a channel instance takes: `sinks[].kinds`; by default, every kind the channel accepts. */
export const notificationKindsSchema = z.array(z.enum(NOTIFICATION_KINDS)).min(1)
