import type { Notification, ReportAttachment } from '../contracts/notification.ts'

/** A report attachment in JSON: its content in base64. */
export type JsonAttachment = Omit<ReportAttachment, 'content'> & { content: string }

/**
 * A notification as JSON (what the webhook and Kafka channels send): the same object, but each
 * report attachment's content in base64 (`content`). `decodeNotification` gives the notification back.
 */
export function encodeNotification(notification: Notification): unknown {
  if (notification.kind !== 'report') return notification
  const { report } = notification
  const attachments: JsonAttachment[] = report.attachments.map((a) => ({ ...a, content: Buffer.from(a.content).toString('base64') }))
  return { ...notification, report: { ...report, attachments } }
}

/** The notification of `encodeNotification`'s JSON (parsed), attachments as Uint8Array. */
export function decodeNotification(json: unknown): Notification {
  const notification = json as Notification
  if (notification.kind !== 'report') return notification
  const attachments = (notification.report.attachments as unknown as JsonAttachment[]).map((a) => ({ ...a, content: new Uint8Array(Buffer.from(a.content, 'base64')) }))
  return { ...notification, report: { ...notification.report, attachments } }
}
